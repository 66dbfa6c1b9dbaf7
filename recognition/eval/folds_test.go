package eval

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestBestThreshold(t *testing.T) {
	s := []listedScore{
		{ok: true, score: 0.25, mated: true}, {ok: true, score: 0.5, mated: true},
		{ok: true, score: 0.75, mated: false}, {ok: true, score: 0.625, mated: true},
		{ok: true, score: 1, mated: false},
	}
	// Every mated score (<= 0.625) below every non-mated (>= 0.75): the
	// lowest fully accurate threshold is 0.625 itself (ties match).
	if got := bestThreshold(s); got != 0.625 {
		t.Errorf("best threshold = %v, want 0.625", got)
	}
}

func TestFoldAccuracy(t *testing.T) {
	// Fold 0 separates at 0.5; fold 1 has a mated pair at 0.75.
	s := []listedScore{
		{true, 0.25, true, 0}, {true, 1, false, 0},
		{true, 0.75, true, 1}, {true, 1.25, false, 1},
	}
	fa, ok := foldAccuracy(s, 2)
	if !ok {
		t.Fatal("two folds should give an accuracy")
	}
	// Fold 0 tested with the threshold from fold 1 (0.75): both right.
	// Fold 1 tested with the threshold from fold 0 (0.25): the 0.75 mated
	// pair is missed: 1/2.
	if fa.PerFold[0].Accuracy != 1 || fa.PerFold[1].Accuracy != 0.5 || fa.Mean != 0.75 {
		t.Errorf("folds = %+v", fa)
	}
	if math.Abs(fa.StdDev-math.Sqrt(0.125)) > 1e-12 {
		t.Errorf("std dev = %v, want sqrt(0.125)", fa.StdDev)
	}
	if _, ok := foldAccuracy(s, 1); ok {
		t.Error("one fold cannot be cross-validated")
	}
}

func TestRunPairsFile(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "Ann/Ann_0001.jpg", "Ann/Ann_0002.jpg", "Bo/Bo_0001.jpg", "Bo/Bo_0002.jpg", "Cy/Cy_0001.jpg", "Cy/Cy_0002.jpg")
	pairs := filepath.Join(root, "pairs.txt")
	writeText(t, pairs, "2 2\nAnn 1 2\nBo 1 2\nAnn 1 Bo 1\nAnn 2 Cy 1\nCy 1 2\nBo 1 2\nBo 2 Cy 2\nAnn 1 Cy 2\n")
	ds, err := ReadPairs(pairs, root)
	if err != nil {
		t.Fatal(err)
	}
	emb := newPathEmbedder(root, "m", map[string]embedding{
		"Ann/Ann_0001.jpg": at(0), "Ann/Ann_0002.jpg": at(0.25),
		"Bo/Bo_0001.jpg": at(2), "Bo/Bo_0002.jpg": at(2.5),
		"Cy/Cy_0001.jpg": at(4), "Cy/Cy_0002.jpg": {err: ErrNoFace},
	})
	cfg := DefaultConfig()
	cfg.Bootstrap = 50
	var scores strings.Builder
	cfg.Scores = &scores
	r, err := Run(context.Background(), ds, emb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := r.Summary.Verification
	// Usable listed pairs: Ann 0.25, Bo 0.5 (twice) mated; Ann1-Bo1 2,
	// Ann2-Cy1 3.75 non-mated; Cy 1-2, Bo2-Cy2, Ann1-Cy2 lost to the FTE.
	if v.MatedPairs != 3 || v.NonMatedPairs != 2 {
		t.Fatalf("pairs %d mated, %d non-mated; want 3, 2", v.MatedPairs, v.NonMatedPairs)
	}
	rateIs(t, "FNMR at 0.6", v.FNMR, 0, 3)
	rateIs(t, "FMR at 0.6", v.FMR, 0, 2)
	if ds.Skipped.Count(SkipPairMissing) != 3 {
		t.Errorf("pairs lost to the failure to enrol: %s", ds.Skipped.Summary())
	}
	if v.Folds == nil || v.Folds.Mean != 1 {
		t.Errorf("fold accuracy = %+v, want 1 (fully separable)", v.Folds)
	}
	if got := strings.Count(scores.String(), "\n"); got != 1+5 {
		t.Errorf("scores file has %d lines, want header + 5 pairs:\n%s", got, scores.String())
	}
}
