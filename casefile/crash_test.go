package casefile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashChild is the child of TestCrashDuringIntake: it opens the case,
// first finishes the analysis an earlier (killed) child left pending, as
// the CLI and the app do, and then takes in photos (with their faces),
// other evidence, detections, subjects and searches until it is killed,
// printing one line per call that returned successfully:
//
//	R                         ready (case open)
//	P id sha256               photo acknowledged (analysis pending)
//	A id faces                analysis of a photo acknowledged (faces stored)
//	E id sha256               other evidence acknowledged (no analysis)
//	D first last evidenceID   detections acknowledged
//	S id                      subject acknowledged
//	Q id                      search acknowledged
//
// In mode "resume" it only finishes the pending analysis and exits.
func crashChild(resumeOnly bool) int {
	path, src := os.Getenv("CHILD_CASE"), os.Getenv("CHILD_SRC")
	seed, _ := strconv.ParseUint(os.Getenv("CHILD_SEED"), 10, 64)
	c, err := Open(path, Options{Actor: "intake child", MediaCheck: MediaCheckPresence})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 1
	}
	out := os.Stdout
	fail := func(what string, err error) int {
		fmt.Fprintf(os.Stderr, "child %s: %v\n", what, err)
		return 1
	}
	ctx := context.Background()
	pending, err := c.PendingAnalyses()
	if err != nil {
		return fail("pending", err)
	}
	for _, p := range pending {
		ev, err := c.Evidence(p.EvidenceID)
		if err != nil {
			return fail("pending evidence", err)
		}
		if err := storeChildFaces(ctx, c, ev); err != nil {
			return fail("resume analysis", err)
		}
		fmt.Fprintf(out, "A %d %d\n", ev.ID, childFaces(ev.SHA256))
	}
	if resumeOnly {
		if err := c.Close(); err != nil {
			return fail("close", err)
		}
		return 0
	}
	fmt.Fprintln(out, "R")
	rng := newRand(seed)
	photos, _ := filepath.Glob(filepath.Join(src, "*.jpg"))
	others, _ := filepath.Glob(filepath.Join(src, "*.bin"))
	var evidence []uint64 // other evidence, the target of plain detections
	for i := 0; ; i++ {
		switch op := rng.IntN(10); {
		case op < 3:
			ev, err := c.AddEvidence(ctx, photos[rng.IntN(len(photos))], AddOptions{Analyse: []string{KindPhoto}})
			dup := errors.Is(err, ErrDuplicateEvidence)
			if err != nil && !dup {
				return fail("add photo", err)
			}
			if dup {
				st, err := c.Analysis(ev.ID)
				if err != nil {
					return fail("analysis state", err)
				}
				if st.State != AnalysisPending {
					continue
				}
			} else {
				fmt.Fprintf(out, "P %d %s\n", ev.ID, ev.SHA256)
			}
			if err := storeChildFaces(ctx, c, ev); err != nil {
				return fail("store faces", err)
			}
			fmt.Fprintf(out, "A %d %d\n", ev.ID, childFaces(ev.SHA256))
		case op < 4:
			ev, err := c.AddEvidence(ctx, others[rng.IntN(len(others))], AddOptions{Analyse: []string{KindPhoto}})
			if errors.Is(err, ErrDuplicateEvidence) {
				evidence = append(evidence, ev.ID)
				continue
			}
			if err != nil {
				return fail("add evidence", err)
			}
			evidence = append(evidence, ev.ID)
			fmt.Fprintf(out, "E %d %s\n", ev.ID, ev.SHA256)
		case op < 8 && len(evidence) > 0:
			evID := evidence[rng.IntN(len(evidence))]
			ids, err := c.AddDetections(ctx, testDetections(rng, evID, 1+rng.IntN(DetectionBatchSize/25)), nil)
			if err != nil {
				return fail("add detections", err)
			}
			fmt.Fprintf(out, "D %d %d %d\n", ids[0], ids[len(ids)-1], evID)
		case op == 8:
			s, err := c.AddSubject(fmt.Sprintf("subject %d", i), "")
			if err == nil {
				_, err = c.Enrol(s.ID, Provenance{Source: "child"}, templates(nil, randomDescriptor(rng)))
			}
			if err != nil {
				return fail("subject", err)
			}
			fmt.Fprintf(out, "S %d\n", s.ID)
		case op == 9 && len(evidence) > 0:
			rec, err := c.Search(ctx, testSearch(nil, Probe{EvidenceID: evidence[0], Descriptor: randomDescriptor(rng)}))
			if err != nil {
				return fail("search", err)
			}
			fmt.Fprintf(out, "Q %d\n", rec.ID)
		}
	}
}

// childFaces is how many faces the child's stand-in engine finds in a
// photo: 0 to 43, fixed by its content, so a resumed analysis finds the
// same faces as the one that was interrupted.
func childFaces(sha string) int {
	v, _ := strconv.ParseUint(sha[:4], 16, 32)
	return int(v % 44)
}

// storeChildFaces stores a photo's faces as its analysis.
func storeChildFaces(ctx context.Context, c *Case, ev Evidence) error {
	seed, _ := strconv.ParseUint(ev.SHA256[:16], 16, 64)
	dets := testDetections(newRand(seed), ev.ID, childFaces(ev.SHA256))
	for i := range dets {
		dets[i].Frame = 0
	}
	_, err := c.StoreAnalysis(ctx, ev.ID, dets, nil)
	return err
}

// acked is what children reported as acknowledged.
type acked struct {
	evidence map[uint64]string // id -> sha256
	photos   map[uint64]string // photos (analysed evidence), id -> sha256
	analysed map[uint64]int    // photo id -> faces stored
	dets     [][3]uint64       // first, last, evidence
	subjects []uint64
	searches []uint64
	records  int // lines other than R
}

func newAcked() *acked {
	return &acked{evidence: map[uint64]string{}, photos: map[uint64]string{}, analysed: map[uint64]int{}}
}

func (a *acked) parse(line string) error {
	f := strings.Fields(line)
	num := func(i int) uint64 { v, _ := strconv.ParseUint(f[i], 10, 64); return v }
	switch {
	case len(f) == 1 && f[0] == "R":
		return nil
	case len(f) == 3 && f[0] == "P":
		a.evidence[num(1)] = f[2]
		a.photos[num(1)] = f[2]
	case len(f) == 3 && f[0] == "E":
		a.evidence[num(1)] = f[2]
	case len(f) == 3 && f[0] == "A":
		a.analysed[num(1)] = int(num(2))
	case len(f) == 4 && f[0] == "D":
		a.dets = append(a.dets, [3]uint64{num(1), num(2), num(3)})
	case len(f) == 2 && f[0] == "S":
		a.subjects = append(a.subjects, num(1))
	case len(f) == 2 && f[0] == "Q":
		a.searches = append(a.searches, num(1))
	default:
		return fmt.Errorf("child printed %q", line)
	}
	a.records++
	return nil
}

// check reopens the case and finds every acknowledged item in it. Every
// photo's analysis is either done with all its faces stored, or pending
// with none: never done with faces missing. It returns how many photos
// were left pending.
func (a *acked) check(t *testing.T, p string) int {
	t.Helper()
	c, err := Open(p, Options{ReadOnly: true, MediaCheck: MediaCheckPresence})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer c.Close()
	if _, err := c.VerifyAudit(); err != nil {
		t.Fatalf("audit chain after kill: %v", err)
	}
	for id, sha := range a.evidence {
		ev, err := c.Evidence(id)
		if err != nil || ev.SHA256 != sha {
			t.Fatalf("acknowledged evidence %d: %v (sha %s, want %s)", id, err, ev.SHA256, sha)
		}
		if ch := c.EvidenceCheckFor(id); ch.State != EvidencePresent {
			t.Fatalf("acknowledged evidence %d: copy %s (%s)", id, ch.State, ch.Detail)
		}
	}
	pending := 0
	all, err := c.EvidenceList()
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range all {
		st, err := c.Analysis(ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		faces, acked := a.analysed[ev.ID]
		switch {
		case ev.Kind != KindPhoto, st.State == AnalysisNotRequested && a.photos[ev.ID] == "":
		case acked && (st.State != AnalysisDone || st.Stored != uint64(faces)):
			t.Fatalf("photo %d: analysis acknowledged with %d faces; the case says %q with %d", ev.ID, faces, st.State, st.Stored)
		case st.State == AnalysisDone && st.Stored != uint64(childFaces(ev.SHA256)):
			t.Fatalf("photo %d: analysis done with %d of its %d faces", ev.ID, st.Stored, childFaces(ev.SHA256))
		case st.State == AnalysisPending && st.Stored != 0:
			t.Fatalf("photo %d: analysis pending with %d faces stored", ev.ID, st.Stored)
		case st.State == AnalysisPending:
			pending++
		case st.State != AnalysisDone:
			t.Fatalf("photo %d: analysis state %q", ev.ID, st.State)
		}
	}
	var want uint64
	for _, r := range a.dets {
		for _, id := range []uint64{r[0], r[1]} {
			d, err := c.Detection(id)
			if err != nil || d.EvidenceID != r[2] {
				t.Fatalf("acknowledged detection %d: %v (evidence %d, want %d)", id, err, d.EvidenceID, r[2])
			}
		}
		want += r[1] - r[0] + 1
	}
	for _, faces := range a.analysed {
		want += uint64(faces)
	}
	if n, _ := c.DetectionCount(0); n < want {
		t.Fatalf("case holds %d detections, %d were acknowledged", n, want)
	}
	subjects, _ := c.Subjects()
	if len(subjects) < len(a.subjects) {
		t.Fatalf("%d subjects, %d acknowledged", len(subjects), len(a.subjects))
	}
	for _, id := range a.searches {
		if _, err := c.SearchRecord(id); err != nil {
			t.Fatalf("acknowledged search %d: %v", id, err)
		}
	}
	return pending
}

// crashChildCmd starts the test binary as a crash child.
func crashChildCmd(t *testing.T, mode, p, src string, seed int) (*exec.Cmd, <-chan string, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "CHILD_CASE="+p, "CHILD_SRC="+src, fmt.Sprintf("CHILD_SEED=%d", seed))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		io.Copy(io.Discard, out)
	}()
	return cmd, lines, &stderr
}

// crashSources writes fake photos (analysed) and other files (the target
// of plain detections) for the crash test.
func crashSources(t *testing.T, dir string) string {
	src := filepath.Join(dir, "src")
	os.Mkdir(src, 0o755)
	rng := newRand(9)
	for i := 0; i < 120; i++ {
		b := make([]byte, 32<<10+rng.IntN(480<<10))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("%04d.bin", i)
		if i%2 == 0 {
			copy(b, jpegHead)
			name = fmt.Sprintf("%04d.jpg", i)
		}
		writeTestFile(t, src, name, b)
	}
	return src
}

// crashRoundBound is the safety net of a round: a child that has not
// acknowledged its records by then is stuck, not slow.
const crashRoundBound = 3 * time.Minute

// TestCrashDuringIntake kills a child process 60 times during a long
// intake, each time after it has acknowledged a random number of records
// (not after a random time, so a busy machine does the same work), and
// checks after each kill that the case opens, its audit chain verifies,
// everything acknowledged before the kill is there and every photo is
// either analysed with all its faces or pending with none. A last child
// resumes what is pending; then every photo holds all its faces and the
// whole case verifies, record by record.
func TestCrashDuringIntake(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-executes the test binary 60 times; skipped with -short")
	}
	const kills = 60
	dir := t.TempDir()
	src := crashSources(t, dir)
	c := newTestCase(t)
	p := c.Path()
	c.Close()
	a := newAcked()
	rng := newRand(9)
	leftPending := 0
	for round := 0; round < kills; round++ {
		target := a.records + 1 + rng.IntN(12)
		cmd, lines, stderr := crashChildCmd(t, "intake", p, src, round)
		deadline := time.After(crashRoundBound)
		killed := false
		for lines != nil {
			select {
			case l, ok := <-lines:
				if !ok {
					lines = nil
					continue
				}
				if err := a.parse(l); err != nil {
					cmd.Process.Kill()
					t.Fatal(err)
				}
				if !killed && a.records >= target {
					cmd.Process.Signal(syscall.SIGKILL)
					killed = true
				}
			case <-deadline:
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("round %d: the child acknowledged %d of %d records in %v: %s", round, a.records, target, crashRoundBound, stderr.String())
			}
		}
		werr := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(werr, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v before it was killed: %s", round, werr, stderr.String())
		}
		leftPending += a.check(t, p)
	}
	cmd, lines, stderr := crashChildCmd(t, "resume", p, src, 0)
	for l := range lines {
		if err := a.parse(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("resuming child: %v: %s", err, stderr.String())
	}
	if n := a.check(t, p); n != 0 {
		t.Fatalf("%d photos still pending after the resuming child", n)
	}
	// Every acknowledged photo is analysed now: check (above) has seen
	// every analysis that is done hold all its faces. Its acknowledgement
	// may be missing: a child killed between committing an analysis and
	// printing its line leaves it done, and the resuming child redoes only
	// what is pending.
	done := analysedPhotos(t, p)
	photos := 0
	for id := range a.photos {
		if !done[id] {
			t.Fatalf("photo %d was never analysed", id)
		}
		photos++
	}
	if photos < 10 || len(a.dets) < 20 {
		t.Fatalf("too little work was acknowledged to mean anything: %d photos, %d detection batches", photos, len(a.dets))
	}
	rep, err := Verify(context.Background(), p, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("case after %d kills: %v %v", kills, rep.Problems, rep.Unfinished)
	}
	t.Logf("%d kills: %d evidence (%d photos), %d detection calls acknowledged; %d kills left a photo pending; case holds %d detections, %d audit entries",
		kills, len(a.evidence), photos, len(a.dets), leftPending, rep.Detections, rep.AuditEntries)
}

// analysedPhotos is the set of evidence ids of the case at p whose
// analysis is done.
func analysedPhotos(t *testing.T, p string) map[uint64]bool {
	t.Helper()
	c, err := Open(p, Options{ReadOnly: true, MediaCheck: MediaCheckPresence})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	all, err := c.EvidenceList()
	if err != nil {
		t.Fatal(err)
	}
	done := map[uint64]bool{}
	for _, ev := range all {
		st, err := c.Analysis(ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		done[ev.ID] = st.State == AnalysisDone
	}
	return done
}
