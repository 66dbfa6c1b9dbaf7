package casefile

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// fillCase writes detections and evidence into the case at p until a write
// fails, printing acknowledged items like crashChild, then "F message"
// for the first failure and "W message" for the write tried after it.
// It then closes the case and, when reopen is set, reopens it, checks
// the audit chain and prints "V ok" or "V message".
func fillCase(p, src string, reopen bool) int {
	out := os.Stdout
	c, err := Open(p, Options{Actor: "fill child", MediaCheck: MediaCheckNone})
	if err != nil {
		fmt.Fprintln(out, "F open:", err)
		return 1
	}
	if big := os.Getenv("CHILD_BIG"); big != "" {
		_, err := c.AddEvidence(context.Background(), big, AddOptions{})
		fmt.Fprintln(out, "B", err)
	}
	rng := newRand(11)
	files, _ := filepath.Glob(filepath.Join(src, "*.jpg"))
	evidence := uint64(0)
	var failure error
	for i := 0; failure == nil && i < 100000; i++ {
		if i%3 == 0 && i/3 < len(files) {
			ev, err := c.AddEvidence(context.Background(), files[i/3], AddOptions{})
			if err != nil {
				failure = err
				break
			}
			evidence = ev.ID
			fmt.Fprintf(out, "E %d %s\n", ev.ID, ev.SHA256)
			continue
		}
		if evidence == 0 {
			continue
		}
		ids, err := c.AddDetections(context.Background(), testDetections(rng, evidence, 700), nil)
		if err != nil {
			failure = err
			if len(ids) > 0 {
				fmt.Fprintf(out, "D %d %d %d\n", ids[0], ids[len(ids)-1], evidence)
			}
			break
		}
		fmt.Fprintf(out, "D %d %d %d\n", ids[0], ids[len(ids)-1], evidence)
	}
	if failure == nil {
		fmt.Fprintln(out, "F no write failed")
		return 1
	}
	fmt.Fprintln(out, "F", strings.ReplaceAll(failure.Error(), "\n", " "))
	_, err = c.AddSubject("after the failure", "")
	fmt.Fprintln(out, "W", err)
	c.Close()
	if reopen {
		c, err := Open(p, Options{ReadOnly: true, MediaCheck: MediaCheckPresence})
		if err == nil {
			_, err = c.VerifyAudit()
			c.Close()
		}
		if err != nil {
			fmt.Fprintln(out, "V", err)
		} else {
			fmt.Fprintln(out, "V ok")
		}
	}
	return 0
}

// fillChild runs fillCase under a file-size limit (RLIMIT_FSIZE), with
// SIGXFSZ ignored so writes past the limit fail with EFBIG.
func fillChild() int {
	limit, _ := strconv.ParseUint(os.Getenv("CHILD_LIMIT"), 10, 64)
	signalIgnoreXFSZ()
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		fmt.Println("F setrlimit:", err)
		return 1
	}
	return fillCase(os.Getenv("CHILD_CASE"), os.Getenv("CHILD_SRC"), false)
}

// tmpfsChild runs in its own mount namespace: it mounts a 3 MB tmpfs,
// creates a case on it and fills it until the file system is full.
func tmpfsChild() int {
	dir := os.Getenv("CHILD_MOUNT")
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=3m"); err != nil {
		fmt.Println("SKIP mounting a tmpfs is not permitted here:", err)
		return 0
	}
	defer syscall.Unmount(dir, 0)
	p := filepath.Join(dir, "full"+Extension)
	c, err := Create(p, testInfo())
	if err != nil {
		fmt.Println("F create:", err)
		return 1
	}
	c.Close()
	return fillCase(p, os.Getenv("CHILD_SRC"), true)
}

// runFillChild starts the test binary in a child mode and parses what it
// acknowledged.
func runFillChild(t *testing.T, mode string, env []string, attr *syscall.SysProcAttr) (*acked, map[string]string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+mode), env...)
	cmd.SysProcAttr = attr
	var stderr strings.Builder
	cmd.Stderr = &stderr
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	a := newAcked()
	notes := map[string]string{}
	sc := bufio.NewScanner(outPipe)
	for sc.Scan() {
		line := sc.Text()
		tag, rest, _ := strings.Cut(line, " ")
		switch tag {
		case "F", "W", "V", "B", "SKIP":
			notes[tag] = rest
		default:
			if err := a.parse(line); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\nnotes: %v\nstderr: %s", err, notes, stderr.String())
	}
	return a, notes
}

// sourcePhotos writes n fake photos of size bytes.
func sourcePhotos(t *testing.T, n, size int) string {
	src := t.TempDir()
	rng := newRand(12)
	for i := 0; i < n; i++ {
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		copy(b, jpegHead)
		writeTestFile(t, src, fmt.Sprintf("%03d.jpg", i), b)
	}
	return src
}

// TestFullDiskFileSizeLimit fills a case in a child process whose file
// size is limited, so writes fail as on a full disk: the failing call
// reports it clearly, the case refuses further writes, and reopened
// without the limit the case opens, verifies and holds everything that
// was acknowledged.
func TestFullDiskFileSizeLimit(t *testing.T) {
	c := newTestCase(t)
	p := c.Path()
	c.Close()
	st, _ := os.Stat(p)
	src := sourcePhotos(t, 40, 200<<10)
	limit := st.Size() + 6<<20
	big := sourcePhotos(t, 1, int(limit)+1<<20) + "/000.jpg"
	bigSum := fileSum(t, big)
	a, notes := runFillChild(t, "fill", []string{"CHILD_CASE=" + p, "CHILD_SRC=" + src, "CHILD_BIG=" + big, fmt.Sprintf("CHILD_LIMIT=%d", limit)}, nil)
	if !strings.Contains(notes["B"], ErrDiskFull.Error()) {
		t.Fatalf("copying a file larger than the limit: %q", notes["B"])
	}
	if fileSum(t, big) != bigSum {
		t.Fatal("the original of the failed intake changed")
	}
	if !strings.Contains(notes["F"], "file too large") || !strings.Contains(notes["F"], ErrDiskFull.Error()) {
		t.Fatalf("first failure %q does not say the file could not grow", notes["F"])
	}
	if !strings.Contains(notes["W"], ErrWriteFailed.Error()) {
		t.Fatalf("write after the failure: %q", notes["W"])
	}
	if len(a.evidence) == 0 || len(a.dets) == 0 {
		t.Fatalf("nothing acknowledged before the limit: %+v", a)
	}
	a.check(t, p)
	rep, err := Verify(context.Background(), p, VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("verify after filling: %v %v", err, rep.Problems)
	}
	if temps, _ := filepath.Glob(filepath.Join(MediaDirFor(p), intakeTempPrefix+"*")); len(temps) != 0 {
		t.Fatalf("failed intake left %v", temps)
	}
	t.Logf("limit %d bytes: %d evidence, %d detection calls acknowledged; failure: %s", limit, len(a.evidence), len(a.dets), notes["F"])
}

// TestFullDiskTmpfs fills a small tmpfs (mounted in a private mount
// namespace of a child process) until no space is left. Mounting needs
// privileges CI containers often lack; the test then skips, saying so
// (TestFullDiskFileSizeLimit always runs).
func TestFullDiskTmpfs(t *testing.T) {
	mnt := t.TempDir()
	src := sourcePhotos(t, 20, 200<<10)
	a, notes := runFillChild(t, "tmpfs", []string{"CHILD_MOUNT=" + mnt, "CHILD_SRC=" + src},
		&syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS})
	if msg, ok := notes["SKIP"]; ok {
		t.Skip(msg)
	}
	if !strings.Contains(notes["F"], "no space left") || !strings.Contains(notes["F"], ErrDiskFull.Error()) {
		t.Fatalf("first failure %q does not say the disk is full", notes["F"])
	}
	if !strings.Contains(notes["W"], ErrWriteFailed.Error()) && !strings.Contains(notes["W"], "no space left") {
		t.Fatalf("write after the failure: %q", notes["W"])
	}
	if notes["V"] != "ok" {
		t.Fatalf("reopen on the full file system: %s", notes["V"])
	}
	if len(a.evidence) == 0 {
		t.Fatalf("nothing acknowledged before the disk was full: %+v", a)
	}
}
