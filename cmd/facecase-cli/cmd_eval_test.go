package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facecase/facedata"
	"facecase/recognition/eval"
)

// folderEmbedder gives every image a descriptor near its folder's (the
// identity's) point, displaced by the hash of the file's bytes; a file
// whose content starts with "noface" has no face. It stands in for the
// engine so the command can be tested without models.
type folderEmbedder struct{ closed *bool }

func (folderEmbedder) ModelID() string { return "test-folder-embedder" }

func (folderEmbedder) Embed(ctx context.Context, path string) (facedata.Descriptor, error) {
	var d facedata.Descriptor
	data, err := os.ReadFile(path)
	if err != nil {
		return d, errors.Join(eval.ErrUnreadable, err)
	}
	if bytes.HasPrefix(data, []byte("noface")) {
		return d, eval.ErrNoFace
	}
	id := sha256.Sum256([]byte(filepath.Base(filepath.Dir(path))))
	own := sha256.Sum256(data)
	centre := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(id[:]), 1))
	noise := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(own[:]), 2))
	for i := range d {
		d[i] = float32(centre.NormFloat64()*0.05 + noise.NormFloat64()*0.03)
	}
	return d, nil
}

func (e folderEmbedder) Close() error {
	*e.closed = true
	return nil
}

func withFakeEvalEngine(t *testing.T) *bool {
	closed := new(bool)
	old := newEvalEmbedder
	newEvalEmbedder = func(eval.EngineConfig) (eval.ClosingEmbedder, error) { return folderEmbedder{closed}, nil }
	t.Cleanup(func() { newEvalEmbedder = old })
	return closed
}

func runEvalCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), &cliEnv{stdout: &o, stderr: &e}, args)
	return code, o.String(), e.String()
}

// evalDataset writes a small dataset: 6 identities x 3 images and a
// manifest with a sex column, one image without a face.
func evalDataset(t *testing.T) (root, manifestPath string) {
	root = t.TempDir()
	lines := []string{"path,identity,sex"}
	for i, id := range []string{"ann", "bea", "cat", "dan", "eli", "fox"} {
		sex := []string{"f", "m"}[i%2]
		for k := 1; k <= 3; k++ {
			rel := id + "/" + string(rune('0'+k)) + ".jpg"
			content := "image " + rel
			if rel == "fox/3.jpg" {
				content = "noface " + rel
			}
			p := filepath.Join(root, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, rel+","+id+","+sex)
		}
	}
	manifestPath = filepath.Join(t.TempDir(), "labels.csv")
	for i := 1; i < len(lines); i++ {
		lines[i] = filepath.Join(root, lines[i])
	}
	if err := os.WriteFile(manifestPath, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, manifestPath
}

func TestEvalCommandManifest(t *testing.T) {
	closed := withFakeEvalEngine(t)
	_, m := evalDataset(t)
	out := filepath.Join(t.TempDir(), "report")
	cache := filepath.Join(t.TempDir(), "cache.db")
	code, stdout, stderr := runEvalCLI("eval", "--dataset", m, "--groups", "sex", "--target-fmr", "0.01", "--out", out, "--cache", cache, "--bootstrap", "100")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if !*closed {
		t.Error("the engine was not closed")
	}
	for _, f := range []string{eval.ReportFile, eval.SummaryFile, eval.GroupsFile, eval.SamplesFile, eval.ScoresFile} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	var s eval.Summary
	b, _ := os.ReadFile(filepath.Join(out, eval.SummaryFile))
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	// 17 enrolled images: mated 5*3 + 1 = 16 pairs, non-mated 136 - 16.
	if s.Enrolment.Enrolled != 17 || s.Verification.MatedPairs != 16 || s.Verification.NonMatedPairs != 120 || len(s.Groups) != 1 || s.Groups[0].Column != "sex" {
		t.Errorf("summary: %+v %+v", s.Enrolment, s.Verification)
	}
	if len(s.Calibration) != 1 || s.Calibration[0].TargetFMR != 0.01 {
		t.Errorf("calibration = %+v", s.Calibration)
	}
	for _, want := range []string{"FMR", "sex=f", "report: " + filepath.Join(out, eval.ReportFile)} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "enrol: 18/18") || !strings.Contains(stderr, "18 images of 6 identities") {
		t.Errorf("stderr lacks progress:\n%s", stderr)
	}
	// A second run answers from the cache and writes the same report.
	out2 := filepath.Join(t.TempDir(), "again")
	if code, _, stderr := runEvalCLI("eval", "--dataset", m, "--groups", "sex", "--target-fmr", "0.01", "--out", out2, "--cache", cache, "--bootstrap", "100", "--json-progress"); code != 0 {
		t.Fatalf("second run exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(out, eval.ReportFile))
	c, _ := os.ReadFile(filepath.Join(out2, eval.ReportFile))
	if !bytes.Equal(a, c) {
		t.Error("the report differs between two runs of the same data")
	}
}

func TestEvalCommandFolders(t *testing.T) {
	withFakeEvalEngine(t)
	root, _ := evalDataset(t)
	out := t.TempDir()
	code, stdout, stderr := runEvalCLI("eval", "--dataset", root, "--out", out, "--no-cache", "--no-scores", "--bootstrap", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, eval.ScoresFile)); !os.IsNotExist(err) {
		t.Error("--no-scores still wrote scores.csv")
	}
	if !strings.Contains(stdout, "non-mated pairs 120") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

func TestEvalCommandUsageErrors(t *testing.T) {
	withFakeEvalEngine(t)
	root, m := evalDataset(t)
	out := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--dataset", root}, "--out are required"},
		{[]string{"--dataset", root, "--out", filepath.Join(root, "report")}, "inside the dataset"},
		{[]string{"--dataset", root, "--out", out, "--groups", "sex"}, "--groups needs group labels"},
		{[]string{"--dataset", m, "--out", out, "--threshold", "0.61234"}, "0.0001"},
		{[]string{"--dataset", m, "--out", out, "--target-fmr", "2"}, "between 0 and 1"},
		{[]string{"--dataset", m, "--out", out, "--ranks", "0"}, "below 1"},
		{[]string{"--dataset", m, "--out", out, "--labels", m}, "give --pattern"},
		{[]string{"--dataset", m, "--out", out, "stray"}, "unexpected argument"},
		{[]string{"--no-such-flag"}, "not defined"},
	} {
		code, _, stderr := runEvalCLI(append([]string{"eval"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 mentioning %q", c.args, code, stderr, c.want)
		}
	}
}

func TestEvalCommandBadDataset(t *testing.T) {
	withFakeEvalEngine(t)
	empty := t.TempDir()
	out := t.TempDir()
	code, _, stderr := runEvalCLI("eval", "--dataset", empty, "--out", out, "--no-cache")
	if code != 1 || !strings.Contains(stderr, "no usable images") {
		t.Errorf("empty dataset: exit %d, %q", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "m.csv")
	if err := os.WriteFile(bad, []byte("file,who_is_it\na.jpg,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runEvalCLI("eval", "--dataset", bad, "--out", out, "--no-cache")
	if code != 1 || !strings.Contains(stderr, `"identity"`) {
		t.Errorf("manifest without identity column: exit %d, %q", code, stderr)
	}
}

func TestEvalCommandCancelled(t *testing.T) {
	withFakeEvalEngine(t)
	_, m := evalDataset(t)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := run(ctx, &cliEnv{stdout: &o, stderr: &e}, []string{"eval", "--dataset", m, "--out", out, "--no-cache"})
	if code != 130 {
		t.Errorf("cancelled run: exit %d, %s", code, e.String())
	}
	if files, _ := os.ReadDir(out); len(files) != 0 {
		t.Errorf("a cancelled run left files: %v", files)
	}
}
