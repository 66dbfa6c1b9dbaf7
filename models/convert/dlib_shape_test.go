package convert

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// dlibWriter writes dlib's serialization (dlib/serialize.h), the inverse
// of dlibReader, for models small enough to check by hand.
type dlibWriter struct{ b []byte }

func (w *dlibWriter) int(v int64) {
	neg := byte(0)
	if v < 0 {
		neg, v = 0x80, -v
	}
	var mag []byte
	for {
		mag = append(mag, byte(v))
		v >>= 8
		if v == 0 {
			break
		}
	}
	w.b = append(append(w.b, byte(len(mag))|neg), mag...)
}

// float writes m*2^e as dlib's float_details.
func (w *dlibWriter) float(m, e int64) { w.int(m); w.int(e) }

// matrix writes a column of values, each as (value*4)*2^-2: quarters are exact.
func (w *dlibWriter) matrix(vals ...float32) {
	w.int(-int64(len(vals)))
	w.int(-1)
	for _, v := range vals {
		w.float(int64(v*4), -2)
	}
}

// tinyShapePredictor is a model of 2 parts, 1 cascade of 2 trees of 3
// splits (4 leaves), 3 features. Leaf j of tree t holds 10t+j+k/4 in
// element k; split i of tree t compares features i%3 and (i+1)%3 against
// threshold t+i/2, except that the first split's first feature is
// firstFeature.
func tinyShapePredictor(firstFeature int64) []byte {
	w := &dlibWriter{}
	w.int(1) // version
	w.matrix(0.25, 0.5, 0.75, 1)
	w.int(1) // cascades
	w.int(2) // trees
	for t := 0; t < 2; t++ {
		w.int(3)
		for i := 0; i < 3; i++ {
			if t == 0 && i == 0 {
				w.int(firstFeature)
			} else {
				w.int(int64(i % 3))
			}
			w.int(int64((i + 1) % 3))
			w.float(int64(2*t+i), -1)
		}
		w.int(4)
		for j := 0; j < 4; j++ {
			base := float32(10*t + j)
			w.matrix(base, base+0.25, base+0.5, base+0.75)
		}
	}
	w.int(1) // anchors: one list of 3
	w.int(3)
	for _, a := range []int64{0, 1, 1} {
		w.int(a)
	}
	w.int(1) // deltas: one list of 3 (x, y)
	w.int(3)
	for i := int64(0); i < 3; i++ {
		w.float(i, 0)
		w.float(-i, -2)
	}
	return w.b
}

func TestDlibShapePredictorLaysOutTheModel(t *testing.T) {
	out, err := DlibShapePredictor(tinyShapePredictor(0))
	if err != nil {
		t.Fatal(err)
	}
	h := ShapeHeader{Parts: 2, Cascades: 1, Trees: 2, Splits: 3, Leaves: 4, Features: 3}
	initial, anchors, deltas, splits, leaves, size := h.Layout()
	if int64(len(out)) != size {
		t.Fatalf("%d bytes, layout says %d", len(out), size)
	}
	if string(out[:8]) != ShapeMagic {
		t.Fatalf("magic %q", out[:8])
	}
	le := binary.LittleEndian
	for i, want := range []uint32{2, 1, 2, 3, 4, 3} {
		if got := le.Uint32(out[8+4*i:]); got != want {
			t.Errorf("header field %d = %d, want %d", i, got, want)
		}
	}
	f32 := func(off int64) float32 { return math.Float32frombits(le.Uint32(out[off:])) }
	if got := f32(initial + 8); got != 0.75 {
		t.Errorf("initial shape [2] = %v, want 0.75", got)
	}
	if got := le.Uint32(out[anchors+4:]); got != 1 {
		t.Errorf("anchor 1 = %d, want 1", got)
	}
	if x, y := f32(deltas+16), f32(deltas+20); x != 2 || y != -0.5 {
		t.Errorf("delta 2 = (%v, %v), want (2, -0.5)", x, y)
	}
	// Tree 1, split 2: features 2 and 0, threshold (2+2)/2.
	s := splits + 8*(3+2)
	if a, b, th := le.Uint16(out[s:]), le.Uint16(out[s+2:]), f32(s+4); a != 2 || b != 0 || th != 2 {
		t.Errorf("tree 1 split 2 = (%d, %d, %v), want (2, 0, 2)", a, b, th)
	}
	if leaves%64 != 0 {
		t.Errorf("leaves start at %d, not on a 64-byte boundary", leaves)
	}
	// Tree 1, leaf 3, element 1: 13.25.
	if got := f32(leaves + 4*((4+3)*4+1)); got != 13.25 {
		t.Errorf("tree 1 leaf 3 [1] = %v, want 13.25", got)
	}
}

func TestDlibShapePredictorRejectsDamage(t *testing.T) {
	good := tinyShapePredictor(0)
	cases := map[string][]byte{
		"empty":                 nil,
		"cut off":               good[:len(good)-3],
		"trailing data":         append(append([]byte(nil), good...), 0),
		"version 2":             append([]byte{1, 2}, good[2:]...),
		"split on feature 7/3":  tinyShapePredictor(7),
		"split on feature 2^40": tinyShapePredictor(1 << 40),
	}
	for name, b := range cases {
		if _, err := DlibShapePredictor(b); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: %v, want ErrBadModel", name, err)
		}
	}
}
