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

// crashChild is the child of TestCrashDuringIntake: it opens the case and
// takes in evidence, detections, subjects and searches until it is killed,
// printing one line per call that returned successfully:
//
//	R                         ready (case open)
//	E id sha256               evidence acknowledged
//	D first last evidenceID   detections acknowledged
//	S id                      subject acknowledged
//	Q id                      search acknowledged
func crashChild() int {
	path, src := os.Getenv("CHILD_CASE"), os.Getenv("CHILD_SRC")
	seed, _ := strconv.ParseUint(os.Getenv("CHILD_SEED"), 10, 64)
	c, err := Open(path, Options{Actor: "intake child", MediaCheck: MediaCheckPresence})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 1
	}
	out := os.Stdout
	fmt.Fprintln(out, "R")
	rng := newRand(seed)
	files, _ := filepath.Glob(filepath.Join(src, "*.jpg"))
	ctx := context.Background()
	var evidence []uint64
	for i := 0; ; i++ {
		switch op := rng.IntN(10); {
		case op < 4 && len(files) > 0:
			f := files[rng.IntN(len(files))]
			ev, err := c.AddEvidence(ctx, f, AddOptions{})
			if errors.Is(err, ErrDuplicateEvidence) {
				evidence = append(evidence, ev.ID)
				continue
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "child add evidence:", err)
				return 1
			}
			evidence = append(evidence, ev.ID)
			fmt.Fprintf(out, "E %d %s\n", ev.ID, ev.SHA256)
		case op < 8 && len(evidence) > 0:
			evID := evidence[rng.IntN(len(evidence))]
			ids, err := c.AddDetections(ctx, testDetections(rng, evID, 1+rng.IntN(2*DetectionBatchSize/10)), nil)
			if err != nil {
				fmt.Fprintln(os.Stderr, "child add detections:", err)
				return 1
			}
			fmt.Fprintf(out, "D %d %d %d\n", ids[0], ids[len(ids)-1], evID)
		case op == 8:
			s, err := c.AddSubject(fmt.Sprintf("subject %d", i), "")
			if err == nil {
				_, err = c.Enrol(s.ID, Provenance{Source: "child"}, templates(nil, randomDescriptor(rng)))
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "child subject:", err)
				return 1
			}
			fmt.Fprintf(out, "S %d\n", s.ID)
		case op == 9 && len(evidence) > 0:
			rec, err := c.Search(ctx, testSearch(nil, Probe{EvidenceID: evidence[0], Descriptor: randomDescriptor(rng)}))
			if err != nil {
				fmt.Fprintln(os.Stderr, "child search:", err)
				return 1
			}
			fmt.Fprintf(out, "Q %d\n", rec.ID)
		}
	}
}

// acked is what children reported as acknowledged.
type acked struct {
	evidence map[uint64]string // id -> sha256
	dets     [][3]uint64       // first, last, evidence
	subjects []uint64
	searches []uint64
}

func (a *acked) parse(line string) error {
	f := strings.Fields(line)
	num := func(i int) uint64 { v, _ := strconv.ParseUint(f[i], 10, 64); return v }
	switch {
	case len(f) == 1 && f[0] == "R":
	case len(f) == 3 && f[0] == "E":
		a.evidence[num(1)] = f[2]
	case len(f) == 4 && f[0] == "D":
		a.dets = append(a.dets, [3]uint64{num(1), num(2), num(3)})
	case len(f) == 2 && f[0] == "S":
		a.subjects = append(a.subjects, num(1))
	case len(f) == 2 && f[0] == "Q":
		a.searches = append(a.searches, num(1))
	default:
		return fmt.Errorf("child printed %q", line)
	}
	return nil
}

// check reopens the case and finds every acknowledged item in it.
func (a *acked) check(t *testing.T, p string) {
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
}

// TestCrashDuringIntake kills a child process at random moments of a long
// intake, 60 times, and checks after each kill that the case opens, its
// audit chain verifies and everything acknowledged before the kill is
// there; at the end the whole case verifies, record by record.
func TestCrashDuringIntake(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-executes the test binary 60 times; skipped with -short")
	}
	const kills = 60
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.Mkdir(src, 0o755)
	rng := newRand(9)
	for i := 0; i < 120; i++ {
		b := make([]byte, 32<<10+rng.IntN(480<<10))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		copy(b, jpegHead)
		writeTestFile(t, src, fmt.Sprintf("%04d.jpg", i), b)
	}
	c := newTestCase(t)
	p := c.Path()
	c.Close()
	a := &acked{evidence: map[uint64]string{}}
	killedMidway := 0
	for round := 0; round < kills; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=intake", "CHILD_CASE="+p, "CHILD_SRC="+src, fmt.Sprintf("CHILD_SEED=%d", round))
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
		// Wait until the child has the case open, then kill it at a random
		// moment of its work.
		ready := false
		timeout := time.After(20 * time.Second)
		for !ready {
			select {
			case l, ok := <-lines:
				if !ok {
					cmd.Wait()
					t.Fatalf("round %d: child ended before it was ready: %s", round, stderr.String())
				}
				ready = l == "R"
			case <-timeout:
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("round %d: child not ready: %s", round, stderr.String())
			}
		}
		time.Sleep(time.Duration(1+rng.IntN(250)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		n := 0
		for l := range lines {
			if err := a.parse(l); err != nil {
				t.Fatal(err)
			}
			n++
		}
		werr := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(werr, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v before it was killed: %s", round, werr, stderr.String())
		}
		if n > 0 {
			killedMidway++
		}
		a.check(t, p)
	}
	if len(a.evidence) < 10 || len(a.dets) < 20 || killedMidway < kills/2 {
		t.Fatalf("too little work was acknowledged to mean anything: %d evidence, %d detection batches, %d rounds with work",
			len(a.evidence), len(a.dets), killedMidway)
	}
	rep, err := Verify(context.Background(), p, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("case after %d kills: %v", kills, rep.Problems)
	}
	t.Logf("%d kills: %d evidence, %d detection calls acknowledged; case holds %d detections, %d audit entries",
		kills, len(a.evidence), len(a.dets), rep.Detections, rep.AuditEntries)
}
