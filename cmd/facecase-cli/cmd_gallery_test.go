package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"facecase/facedata"
	"facecase/internal/synthdesc"
	"facecase/models"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), &cliEnv{stdout: &out, stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

func TestGalleryImportAndSearch(t *testing.T) {
	dir := t.TempDir()
	gen := synthdesc.New(synthdesc.Config{Seed: 3})
	faces := make([]facedata.Descriptor, 300)
	gen.Fill(0, faces)
	var lines bytes.Buffer
	for i, d := range faces {
		line, _ := json.Marshal(map[string]any{"id": 1000 + i, "label": fmt.Sprintf("W-%d", gen.IdentityOf(i)), "descriptor": d[:]})
		lines.Write(append(line, '\n'))
	}
	jsonl := filepath.Join(dir, "faces.jsonl")
	os.WriteFile(jsonl, lines.Bytes(), 0o600)
	gal := filepath.Join(dir, "watchlist.gallery")

	code, out, errOut := runCLI(t, "gallery", "import", "-gallery", gal, "-jsonl", jsonl)
	if code != 0 || !strings.Contains(out, "added 300 faces") {
		t.Fatalf("import: exit %d, out %q, err %q", code, out, errOut)
	}

	probe, _ := json.Marshal(faces[42][:])
	probeFile := filepath.Join(dir, "probe.json")
	os.WriteFile(probeFile, probe, 0o600)
	code, out, errOut = runCLI(t, "gallery", "search", "-gallery", gal, "-descriptor", probeFile, "-k", "3")
	if code != 0 || !strings.Contains(out, "1     1042") || !strings.Contains(out, "0.0000") {
		t.Fatalf("search: exit %d, out %q, err %q", code, out, errOut)
	}

	// Two faces of one photo, as JSON lines, with JSON output.
	two := string(probe) + "\n" + `{"descriptor": ` + mustJSON(faces[7][:]) + "}\n"
	os.WriteFile(probeFile, []byte(two), 0o600)
	code, out, errOut = runCLI(t, "gallery", "search", "-gallery", gal, "-descriptor", probeFile, "-json", "-threshold", "0.5")
	var res struct {
		Faces []struct {
			Candidates []struct {
				Face     uint64  `json:"face_id"`
				Label    string  `json:"label"`
				Distance float64 `json:"distance"`
			} `json:"candidates"`
		} `json:"faces"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Faces) != 2 {
		t.Fatalf("json search: exit %d, out %q, err %q", code, out, errOut)
	}
	if c := res.Faces[1].Candidates; len(c) == 0 || c[0].Face != 1007 || c[0].Label != "W-1" {
		t.Fatalf("second face found %+v", c)
	}
	for _, f := range res.Faces {
		for _, c := range f.Candidates {
			if c.Distance > 0.5 {
				t.Fatalf("candidate beyond the threshold: %+v", c)
			}
		}
	}

	// A bad line stops the import with its line number; nothing is lost.
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id": 5000, "label": "x", "descriptor": [0.1, 0.2]}`+"\n"), 0o600)
	code, _, errOut = runCLI(t, "gallery", "import", "-gallery", gal, "-jsonl", bad)
	if code != 1 || !strings.Contains(errOut, "line 1") || !strings.Contains(errOut, "128") {
		t.Fatalf("bad import: exit %d, err %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "gallery", "import", "-gallery", gal, "-jsonl", jsonl)
	if code != 1 || !strings.Contains(errOut, "already enrolled") {
		t.Fatalf("duplicate import: exit %d, err %q", code, errOut)
	}
	code, out, _ = runCLI(t, "gallery", "import", "-gallery", gal, "-synthetic", "10")
	if code != 0 || !strings.Contains(out, "holds 310 faces") {
		t.Fatalf("after failed imports: exit %d, out %q", code, out)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestGalleryUsage(t *testing.T) {
	for _, args := range [][]string{
		{"gallery"},
		{"gallery", "frobnicate"},
		{"gallery", "import", "-gallery", "x.gallery"},
		{"gallery", "search", "-descriptor", "p.json"},
		{"gallery", "search", "-gallery", "g", "-descriptor", "p.json", "-k", "0"},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errOut)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "p.json")
	os.WriteFile(p, []byte("[1, 2, 3]"), 0o600)
	code, _, errOut := runCLI(t, "gallery", "search", "-gallery", filepath.Join(dir, "none.gallery"), "-descriptor", p)
	if code != 1 || !strings.Contains(errOut, "128") {
		t.Fatalf("short descriptor: exit %d, err %q", code, errOut)
	}
	os.WriteFile(p, []byte(mustJSON(make([]float32, 128))), 0o600)
	code, _, errOut = runCLI(t, "gallery", "search", "-gallery", filepath.Join(dir, "none.gallery"), "-descriptor", p)
	if code != 1 || !strings.Contains(errOut, "none.gallery") {
		t.Fatalf("missing gallery: exit %d, err %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.gallery")); err == nil {
		t.Fatal("search created a gallery file")
	}
}

func TestGalleryBench(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "gallery", "bench", "-faces", "3000", "-probes", "20", "-dir", dir)
	if code != 0 {
		t.Fatalf("bench: exit %d, err %q", code, errOut)
	}
	for _, want := range []string{"faces", "3000", "load", "top-50 search p50", "recall@50 against exact", "exact top-50"} {
		if !strings.Contains(out, want) {
			t.Fatalf("bench table lacks %q:\n%s", want, out)
		}
	}
	// A second run reuses the gallery file.
	if code, out, _ := runCLI(t, "gallery", "bench", "-faces", "3000", "-probes", "20", "-dir", dir); code != 0 || !strings.Contains(out, "reused") {
		t.Fatalf("second bench: exit %d:\n%s", code, out)
	}
	t.Log("\n" + out)
}

// TestGalleryDamageIsRefused runs the CLI on the damaged galleries of the
// issue's adversarial run: each gives a clear error and a non-zero exit,
// and no command writes to the file.
func TestGalleryDamageIsRefused(t *testing.T) {
	dir := t.TempDir()
	gal := filepath.Join(dir, "w.gallery")
	if code, out, errOut := runCLI(t, "gallery", "import", "-gallery", gal, "-synthetic", "400"); code != 0 {
		t.Fatalf("import: exit %d, out %q, err %q", code, out, errOut)
	}
	gen := synthdesc.New(synthdesc.Config{Seed: synthdesc.DefaultSeed})
	ds := make([]facedata.Descriptor, 400)
	gen.Fill(0, ds)
	probe := filepath.Join(dir, "probe.json")
	os.WriteFile(probe, []byte(mustJSON(ds[42][:])), 0o600)
	if code, out, errOut := runCLI(t, "gallery", "verify", "-gallery", gal); code != 0 || !strings.Contains(out, "OK, 400 faces") {
		t.Fatalf("verify a good gallery: exit %d, out %q, err %q", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "gallery", "search", "-gallery", gal, "-descriptor", probe, "-k", "1"); code != 0 || !strings.Contains(out, "0.0000") {
		t.Fatalf("search a good gallery: exit %d, out %q", code, out)
	}

	// One flipped bit in face 43's stored descriptor.
	data, _ := os.ReadFile(gal)
	var want []byte
	for _, v := range ds[42] {
		want = binary.LittleEndian.AppendUint32(want, math.Float32bits(v))
	}
	at := bytes.Index(data, want)
	if at < 0 || bytes.Index(data[at+1:], want) >= 0 {
		t.Fatal("face 43's descriptor is not in the file once")
	}
	data[at+100] ^= 0x10
	flipped := filepath.Join(dir, "flipped.gallery")
	os.WriteFile(flipped, data, 0o600)

	empty := filepath.Join(dir, "empty.gallery")
	os.WriteFile(empty, nil, 0o600)
	random := filepath.Join(dir, "random.gallery")
	junk := make([]byte, 1<<16)
	rand.NewChaCha8([32]byte{7}).Read(junk)
	os.WriteFile(random, junk, 0o600)

	for _, c := range []struct {
		path, sub string
		code      int
		says      string
	}{
		{flipped, "search", 3, "fails its checksum"},
		{flipped, "verify", 3, "fails its checksum"},
		{empty, "search", 1, "the file is empty"},
		{empty, "verify", 1, "the file is empty"},
		{random, "search", 1, "not a gallery"},
	} {
		sum := sha256.Sum256(mustRead(t, c.path))
		st0 := backdate(t, c.path)
		args := []string{"gallery", c.sub, "-gallery", c.path}
		if c.sub == "search" {
			args = append(args, "-descriptor", probe)
		}
		code, out, errOut := runCLI(t, args...)
		if code != c.code || !strings.Contains(errOut, c.says) || strings.Contains(out, "candidates") {
			t.Errorf("%s %s: exit %d, out %q, err %q; want exit %d saying %q", c.sub, filepath.Base(c.path), code, out, errOut, c.code, c.says)
		}
		if st1, err := os.Stat(c.path); sha256.Sum256(mustRead(t, c.path)) != sum || err != nil || st1.Size() != st0.Size() || !st1.ModTime().Equal(st0.ModTime()) {
			t.Errorf("%s %s changed the file", c.sub, filepath.Base(c.path))
		}
		t.Logf("%s %s: exit %d: %s", c.sub, filepath.Base(c.path), code, errOut)
	}
}

// backdate sets a file's modification time in the past, so that a write
// within the same clock tick would still change it, and returns its state.
func backdate(t *testing.T, path string) os.FileInfo {
	t.Helper()
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGallerySearchByNormalisedScore: faces imported from JSON lines carry
// their statistics against the shipped cohort; -fmr ranks by normalised
// score at the shipped calibration's threshold, shows the score beside the
// distance, and refuses a rate outside the calibrated range and -threshold
// beside it.
func TestGallerySearchByNormalisedScore(t *testing.T) {
	cohort, err := models.LoadCohort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// Real faces: the cohort's own (as if they were a watchlist).
	var lines bytes.Buffer
	for i := 0; i < 60; i++ {
		d := cohort.Descriptor(i)
		line, _ := json.Marshal(map[string]any{"id": 1 + i, "label": fmt.Sprintf("P-%d", i), "descriptor": d[:]})
		lines.Write(append(line, '\n'))
	}
	jsonl := filepath.Join(dir, "faces.jsonl")
	os.WriteFile(jsonl, lines.Bytes(), 0o600)
	gal := filepath.Join(dir, "real.gallery")
	if code, out, errOut := runCLI(t, "gallery", "import", "-gallery", gal, "-jsonl", jsonl); code != 0 {
		t.Fatalf("import: exit %d, out %q, err %q", code, out, errOut)
	}
	// The probe: face 8 moved a little, as another photo of that person.
	p := cohort.Descriptor(7)
	for j := range p {
		p[j] += 0.004 * float32(j%5-2)
	}
	probeFile := filepath.Join(dir, "probe.json")
	os.WriteFile(probeFile, []byte(mustJSON(p[:])), 0o600)
	code, out, errOut := runCLI(t, "gallery", "search", "-gallery", gal, "-descriptor", probeFile, "-fmr", "1e-3", "-json")
	var res struct {
		Faces []struct {
			Candidates []struct {
				Face     uint64   `json:"face_id"`
				Distance float64  `json:"distance"`
				Score    *float64 `json:"score"`
			} `json:"candidates"`
		} `json:"faces"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Faces) != 1 {
		t.Fatalf("search: exit %d, out %q, err %q", code, out, errOut)
	}
	point, _ := cohort.Calibration().Point(1e-3)
	c := res.Faces[0].Candidates
	if len(c) == 0 || c[0].Face != 8 || c[0].Score == nil {
		t.Fatalf("candidates %+v: want face 8 first, with its score", c)
	}
	for _, x := range c {
		if x.Score == nil || *x.Score > point.Threshold {
			t.Fatalf("candidate %+v beyond the operating point's threshold %v", x, point.Threshold)
		}
	}
	code, out, _ = runCLI(t, "gallery", "search", "-gallery", gal, "-descriptor", probeFile, "-fmr", "1e-3")
	if code != 0 || !strings.Contains(out, "ranked by normalised score at FMR 0.001") || !strings.Contains(out, "score") {
		t.Fatalf("text search: exit %d, out %q", code, out)
	}
	for _, args := range [][]string{{"-fmr", "1e-9"}, {"-fmr", "1e-3", "-threshold", "0.5"}} {
		code, _, errOut := runCLI(t, append([]string{"gallery", "search", "-gallery", gal, "-descriptor", probeFile}, args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, err %q: want the usage error", args, code, errOut)
		}
	}
}
