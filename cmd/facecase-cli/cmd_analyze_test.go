package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
)

func TestAnalyzeJSONOneObjectPerFace(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	testenv.Model(t, "descriptor")
	code, out, errOut := runCLI(t, "analyze", "--json", filepath.Join(dir, "two_people.jpg"), filepath.Join(dir, "obama.jpg"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines, want 3 (2 + 1 faces):\n%s", len(lines), out)
	}
	for i, l := range lines {
		var rec struct {
			File       string               `json:"file"`
			Box        facedata.Rect        `json:"box"`
			Score      float64              `json:"score"`
			Landmarks  []facedata.Point     `json:"landmarks"`
			Quality    *facedata.Quality    `json:"quality"`
			Descriptor *facedata.Descriptor `json:"descriptor"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if rec.File == "" || rec.Box.W <= 0 || rec.Score <= 0 || len(rec.Landmarks) != 68 || rec.Quality == nil || rec.Descriptor == nil {
			t.Errorf("line %d incomplete: %s", i, l)
		}
	}
}

func TestAnalyzeGoesOnPastBadFiles(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	testenv.Model(t, "descriptor")
	bad := filepath.Join(t.TempDir(), "notes.jpg")
	os.WriteFile(bad, []byte("not a photo"), 0o644)
	code, out, errOut := runCLI(t, "analyze", bad, filepath.Join(dir, "obama.jpg"))
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut, "notes.jpg") || !strings.Contains(errOut, "not a supported image format") {
		t.Errorf("stderr does not explain the bad file: %s", errOut)
	}
	if !strings.Contains(out, "obama.jpg: 1 face(s)") {
		t.Errorf("the good file was not analysed: %s", out)
	}
}

func TestCompareVerdicts(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	testenv.Model(t, "descriptor")
	code, out, errOut := runCLI(t, "compare", filepath.Join(dir, "obama.jpg"), filepath.Join(dir, "obama2.jpg"))
	if code != 0 || !strings.Contains(out, verdictSame) {
		t.Errorf("obama vs obama2: exit %d, %s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "compare", "--json", filepath.Join(dir, "obama.jpg"), filepath.Join(dir, "biden.jpg"))
	var rec pairRecord
	if code != 0 || json.Unmarshal([]byte(out), &rec) != nil || rec.Verdict != verdictDifferent || rec.Distance <= 0.6 ||
		rec.Point.TargetFMR != 1e-3 || rec.Score <= rec.Point.Threshold {
		t.Errorf("obama vs biden: exit %d, %s%s", code, out, errOut)
	}
	// An operating point outside the calibrated range, or the distance
	// threshold of older versions, is a usage error that says why.
	code, _, errOut = runCLI(t, "compare", "--fmr", "1e-9", filepath.Join(dir, "obama.jpg"), filepath.Join(dir, "biden.jpg"))
	if code != 2 || !strings.Contains(errOut, "rule of three") {
		t.Errorf("--fmr 1e-9: exit %d, %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "compare", "--threshold", "0.6", filepath.Join(dir, "obama.jpg"), filepath.Join(dir, "biden.jpg"))
	if code != 2 || !strings.Contains(errOut, "use --fmr") {
		t.Errorf("--threshold: exit %d, %s", code, errOut)
	}
}

func TestCompareNeedsTwoImages(t *testing.T) {
	if code, _, _ := runCLI(t, "compare", "one.jpg"); code != 2 {
		t.Fatalf("exit %d, want 2 (usage)", code)
	}
}
