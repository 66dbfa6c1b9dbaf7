package recognition

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
)

// cellVerifier finds one face in the middle of every cell of a mosaic (where
// verifyMosaic puts a candidate's box), scored score; it counts its runs and
// can be told to fail.
type cellVerifier struct {
	grid  int
	score float32
	fail  error
	runs  atomic.Int32
}

func (v *cellVerifier) Name() facedata.DetectorName { return "cells" }
func (v *cellVerifier) Close() error                { return nil }
func (v *cellVerifier) InputSize() int              { return 512 }
func (v *cellVerifier) MinFaceInput() float64       { return 44 }
func (v *cellVerifier) Detect(_ context.Context, mosaic gocv.Mat) ([]facedata.Detection, error) {
	v.runs.Add(1)
	if v.fail != nil {
		return nil, v.fail
	}
	cell := float64(mosaic.Cols() / v.grid)
	var dets []facedata.Detection
	for r := 0; r < v.grid; r++ {
		for c := 0; c < v.grid; c++ {
			box := facedata.Rect{X: float64(c)*cell + cell/4, Y: float64(r)*cell + cell/4, W: cell / 2, H: cell / 2}
			dets = append(dets, facedata.Detection{Box: box, Score: v.score})
		}
	}
	return dets, nil
}

// TestVerifyCandidatesOverSeveralMosaics: 40 candidates fill three 4x4
// mosaics, verified at once; the confirmed ones come back in the
// candidates' order with the geometric mean of the two scores, and a
// failing verifier's error is returned.
func TestVerifyCandidatesOverSeveralMosaics(t *testing.T) {
	frame := gocv.NewMatWithSize(1000, 1000, gocv.MatTypeCV8UC3)
	defer frame.Close()
	var cands []facedata.Detection
	for i := 0; i < 40; i++ {
		score := float32(0.9)
		if i%3 == 0 {
			score = 0.2 // 0.2 * 0.9 is under the joint limit
		}
		box := facedata.Rect{X: float64(100 + (i%8)*100), Y: float64(100 + (i/8)*150), W: 60, H: 60}
		cands = append(cands, facedata.Detection{Box: box, Score: score})
	}
	v := &cellVerifier{grid: 4, score: 0.9}
	got, err := verifyCandidates(context.Background(), v, 0.27, frame, cands)
	if err != nil {
		t.Fatal(err)
	}
	if n := v.runs.Load(); n != 3 {
		t.Errorf("verifier ran %d times for 40 candidates, want 3 mosaics", n)
	}
	var want []facedata.Detection
	for i, c := range cands {
		if i%3 != 0 {
			c.Score = 0.9
			want = append(want, c)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("confirmed\n%v\nwant\n%v", got, want)
	}
	broken := errors.New("verifier broke")
	v = &cellVerifier{grid: 4, score: 0.9, fail: broken}
	if _, err := verifyCandidates(context.Background(), v, 0.27, frame, cands); !errors.Is(err, broken) {
		t.Errorf("failing verifier: got %v, want %v", err, broken)
	}
}
