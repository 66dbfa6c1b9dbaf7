package casefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// readOnlyChecks runs the read-only folder scenarios and returns one line
// per scenario: "name ok" or "name FAIL why". dir is a folder the process
// cannot write to; writable.facecase in it can be written, locked.facecase
// cannot; src is a readable photo.
func readOnlyChecks(dir, src string) []string {
	var out []string
	report := func(name string, err error) {
		if err != nil {
			out = append(out, name+" FAIL "+err.Error())
		} else {
			out = append(out, name+" ok")
		}
	}
	ctx := context.Background()
	// Creating a case in the folder fails and leaves nothing.
	_, err := Create(filepath.Join(dir, "new"+Extension), testInfo())
	switch {
	case !errors.Is(err, fs.ErrPermission):
		report("create", fmt.Errorf("got %v", err))
	case fileExists(filepath.Join(dir, "new"+Extension)):
		report("create", fmt.Errorf("a file was left"))
	default:
		report("create", nil)
	}
	// A case file that cannot be written: refused for writing with a hint,
	// fine read-only.
	locked := filepath.Join(dir, "locked"+Extension)
	_, err = Open(locked, Options{Actor: "x"})
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "open it read-only") {
		report("open locked", fmt.Errorf("got %v", err))
	} else if c, err := Open(locked, Options{ReadOnly: true}); err != nil {
		report("open locked", fmt.Errorf("read-only: %v", err))
	} else {
		c.Close()
		report("open locked", nil)
	}
	// A writable case in a read-only folder: intake cannot make the media
	// folder; the error says so and nothing is recorded.
	c, err := Open(filepath.Join(dir, "writable"+Extension), Options{Actor: "x"})
	if err != nil {
		report("intake", err)
		return out
	}
	defer c.Close()
	_, err = c.AddEvidence(ctx, src, AddOptions{})
	list, _ := c.EvidenceList()
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "media folder") || len(list) != 0 {
		report("intake", fmt.Errorf("got %v with %d items", err, len(list)))
	} else {
		report("intake", nil)
	}
	// Referenced in place it works: nothing is written beside the case.
	if _, err := c.AddEvidence(ctx, src, AddOptions{Reference: true}); err != nil {
		report("reference", err)
	} else {
		report("reference", nil)
	}
	// Export into the read-only folder fails and leaves nothing.
	_, err = Export(ctx, c, filepath.Join(dir, "out.zip"), ExportOptions{}, nil)
	entries, _ := os.ReadDir(dir)
	if !errors.Is(err, fs.ErrPermission) || len(entries) != 2 {
		report("export", fmt.Errorf("got %v with %d files in the folder", err, len(entries)))
	} else {
		report("export", nil)
	}
	return out
}

func fileExists(p string) bool { _, err := os.Lstat(p); return err == nil }

func readOnlyChild() int {
	for _, line := range readOnlyChecks(os.Getenv("CHILD_DIR"), os.Getenv("CHILD_SRC")) {
		fmt.Println(line)
	}
	return 0
}

// TestReadOnlyFolder works in a folder the process cannot write to. Root
// ignores permissions, so as root the scenarios run in a child process
// with the uid and gid of nobody.
func TestReadOnlyFolder(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "ro")
	os.Mkdir(dir, 0o755)
	for _, name := range []string{"writable", "locked"} {
		c, err := Create(filepath.Join(dir, name+Extension), testInfo())
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	src := writeTestFile(t, base, "photo.jpg", append(append([]byte(nil), jpegHead...), "pixels"...))
	os.Chmod(filepath.Join(dir, "locked"+Extension), 0o444)
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })

	var lines []string
	if os.Geteuid() != 0 {
		lines = readOnlyChecks(dir, src)
	} else {
		const nobody = 65534
		for _, p := range []string{filepath.Dir(base), base} {
			os.Chmod(p, 0o755)
		}
		os.Chown(filepath.Join(dir, "writable"+Extension), nobody, nobody)
		os.Chmod(src, 0o644)
		// The test binary may sit in a folder only root can enter.
		bin := filepath.Join(base, "casefile.test")
		if err := copyFile(os.Args[0], bin); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=readonly", "CHILD_DIR="+dir, "CHILD_SRC="+src, "TMPDIR="+base)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child as nobody: %v\n%s", err, out)
		}
		lines = strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	if len(lines) != 5 {
		t.Fatalf("scenarios: %q", lines)
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, " ok") {
			t.Error(l)
		}
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
