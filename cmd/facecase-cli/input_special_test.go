package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facecase/internal/testenv"
)

// cliWithin runs the CLI in-process and fails the test when it has not
// returned after a generous bound. The refusals tested here are immediate;
// the bound only turns a hang (the old behaviour on a named pipe) into a
// message instead of the test binary's timeout.
func cliWithin(t *testing.T, actor string, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code        int
		out, errOut string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errOut := caseCLI(t, actor, args...)
		done <- result{code, out, errOut}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.errOut
	case <-time.After(60 * time.Second):
		t.Fatalf("facecase-cli %s still running after 60 s", strings.Join(args, " "))
		return 0, "", ""
	}
}

// TestCaseAddRefusesPipes: `mkfifo f.jpg` hung `case add` with the case
// lock held. It is refused, the other files are added, and the case can be
// written again at once.
func TestCaseAddRefusesPipes(t *testing.T) {
	dir := t.TempDir()
	cs := filepath.Join(dir, "op")
	mustCLI(t, "DS Khan", "case", "new", "--number", "1", "--title", "pipes", "--purpose", "test", cs)
	fifo := testenv.Mkfifo(t, filepath.Join(dir, "f.jpg"))
	ok := filepath.Join(dir, "ok.bin")
	os.WriteFile(ok, []byte("real evidence"), 0o444)
	code, out, errOut := cliWithin(t, "DC Mills", "case", "add", "--no-detect", cs, fifo, "/dev/zero", ok)
	if code != 1 || !strings.Contains(errOut, "f.jpg") || !strings.Contains(errOut, "named pipe") ||
		!strings.Contains(errOut, "/dev/zero") || !strings.Contains(errOut, "character device") {
		t.Fatalf("exit %d, stderr %q, want both refused by name", code, errOut)
	}
	if !strings.Contains(out, "evidence 1: ok.bin") {
		t.Fatalf("the regular file was not added: %q", out)
	}
	ok2 := filepath.Join(dir, "ok2.bin")
	os.WriteFile(ok2, []byte("more evidence"), 0o444)
	if code, out, errOut := cliWithin(t, "DC Mills", "case", "add", "--no-detect", cs, ok2); code != 0 || !strings.Contains(out, "evidence 2: ok2.bin") {
		t.Fatalf("the case does not take files after the refusal: exit %d %q %q", code, out, errOut)
	}
}

// TestAnalyzeRefusesPipesAndDevices: a named pipe, alone or in a folder,
// hung analyze; /dev/zero was read for gigabytes. Both are refused by name.
func TestAnalyzeRefusesPipesAndDevices(t *testing.T) {
	testenv.Model(t, "descriptor")
	dir := t.TempDir()
	testenv.Mkfifo(t, filepath.Join(dir, "f.jpg"))
	named := testenv.Mkfifo(t, filepath.Join(t.TempDir(), "line\nbreak.jpg"))
	code, out, errOut := cliWithin(t, "x", "analyze", dir, "/dev/zero", named)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{"f.jpg: load image", "is a named pipe (FIFO)", "/dev/zero", "is a character device", `line\nbreak.jpg`, "3 of 3 files"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "line\nbreak") {
		t.Errorf("a file name with a newline is printed raw:\n%s", errOut)
	}
}

// TestFileNamesWithControlCharactersAreQuoted: a file name holding a
// newline was printed raw, so it could forge a line of output.
func TestFileNamesWithControlCharactersAreQuoted(t *testing.T) {
	dir := t.TempDir()
	cs := filepath.Join(dir, "op")
	mustCLI(t, "DS Khan", "case", "new", "--number", "1", "--title", "names", "--purpose", "test", cs)
	odd := filepath.Join(dir, "x\nevidence 9: forged.bin")
	os.WriteFile(odd, []byte("evidence with an odd name"), 0o444)
	for _, args := range [][]string{
		{"case", "add", "--no-detect", cs, odd},
		{"case", "add", "--no-detect", cs, odd}, // already evidence
		{"case", "info", cs},
	} {
		code, out, errOut := caseCLI(t, "DC Mills", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errOut)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "evidence 9") || strings.HasPrefix(strings.TrimSpace(line), "forged") {
				t.Errorf("%v: a forged line in the output:\n%s", args[:2], out)
			}
		}
		if !strings.Contains(out, `x\nevidence 9: forged.bin`) {
			t.Errorf("%v: the name is not shown quoted:\n%s", args[:2], out)
		}
	}
}

// TestCaseAndBundleCommandsRefusePipes: a named pipe given as the case or
// the bundle hung verify, case info, case import and export in open(2),
// where not even SIGTERM reached them.
func TestCaseAndBundleCommandsRefusePipes(t *testing.T) {
	dir := t.TempDir()
	cs := testenv.Mkfifo(t, filepath.Join(dir, "p.facecase"))
	zip := testenv.Mkfifo(t, filepath.Join(dir, "p.zip"))
	plain := testenv.Mkfifo(t, filepath.Join(dir, "p"))
	for _, args := range [][]string{
		{"verify", plain},
		{"verify", zip},
		{"verify", cs},
		{"case", "info", cs},
		{"case", "add", "--no-detect", cs, "/dev/null"},
		{"case", "import", zip, filepath.Join(dir, "imported")},
		{"export", cs, filepath.Join(dir, "out.zip")},
	} {
		code, _, errOut := cliWithin(t, "DC Mills", args...)
		if code == 0 || !strings.Contains(errOut, "is a named pipe (FIFO)") {
			t.Errorf("%s: exit %d, %q", strings.Join(args, " "), code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "imported.facecase")); err == nil {
		t.Error("an import from a pipe created a case")
	}
}
