package convert

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
)

// Flat shape predictor: dlib's 68-point shape predictor (an ensemble of
// regression trees, Kazemi and Sullivan 2014) laid out as plain
// little-endian arrays, so that facecase reads it in one go instead of
// decoding dlib's serialization (every number of the 99 MB file is a
// variable-length integer pair: about a second of processor time), and so
// that the leaves of one cascade, which every face reads, sit together.
// Package facecase/internal/dlib reads it; the values are dlib's, bit for
// bit, so the landmarks are dlib's.
//
//	header (64 bytes): magic "FCSHAPE1", then uint32 parts, cascades,
//	    trees per cascade, splits per tree, leaves per tree, features per
//	    cascade; zeros to 64
//	float32 initial shape [2*parts]           (x0, y0, x1, y1, ...)
//	uint32  anchor        [cascades][features] (landmark a feature is placed from)
//	float32 delta         [cascades][features][2]
//	split   splits        [cascades][trees][splits]: uint16 idx1, uint16 idx2, float32 thresh
//	zeros to a multiple of 64 bytes from the start
//	float32 leaves        [cascades][trees][leaves][2*parts]
//
// A tree's splits are in dlib's order (node i's children are 2i+1 and
// 2i+2); leaf j is reached from node splits+j.
const (
	ShapeMagic      = "FCSHAPE1"
	ShapeHeaderSize = 64
)

// ShapeHeader is the shape of a flat shape predictor.
type ShapeHeader struct {
	Parts, Cascades, Trees, Splits, Leaves, Features uint32
}

// Layout returns the byte offsets of the arrays after the header and the
// file's total size.
func (h ShapeHeader) Layout() (initial, anchors, deltas, splits, leaves, size int64) {
	dims := int64(2 * h.Parts)
	initial = ShapeHeaderSize
	anchors = initial + 4*dims
	deltas = anchors + 4*int64(h.Cascades)*int64(h.Features)
	splits = deltas + 8*int64(h.Cascades)*int64(h.Features)
	end := splits + 8*int64(h.Cascades)*int64(h.Trees)*int64(h.Splits)
	leaves = (end + 63) / 64 * 64
	size = leaves + 4*int64(h.Cascades)*int64(h.Trees)*int64(h.Leaves)*dims
	return
}

// DlibShapePredictor converts a shape predictor in dlib's own serialization
// (such as Debian libdlib-data's shape_predictor_68_face_landmarks.dat) to
// the flat form. Every tree must be complete and of one depth, and every
// cascade must have the same number of trees and features, as dlib's
// trainer makes them.
func DlibShapePredictor(dat []byte) ([]byte, error) {
	r := &dlibReader{b: dat}
	if v := r.signed(4); r.err == nil && v != 1 {
		return nil, fmt.Errorf("%w: dlib shape predictor version %d, want 1", ErrBadModel, v)
	}
	initial := r.floatMatrix()
	forests := r.count(1 << 10)
	var h ShapeHeader
	h.Cascades = uint32(forests)
	h.Parts = uint32(len(initial) / 2)
	var splits []dlibSplit
	var leaves []float32
	for c := 0; c < forests && r.err == nil; c++ {
		trees := r.count(1 << 16)
		if c == 0 {
			h.Trees = uint32(trees)
		} else if uint32(trees) != h.Trees {
			r.fail("cascade %d has %d trees, cascade 0 has %d", c, trees, h.Trees)
		}
		for t := 0; t < trees && r.err == nil; t++ {
			ns := r.count(1 << 12)
			if c == 0 && t == 0 {
				h.Splits = uint32(ns)
			} else if uint32(ns) != h.Splits {
				r.fail("tree %d of cascade %d has %d splits, want %d", t, c, ns, h.Splits)
			}
			for i := 0; i < ns && r.err == nil; i++ {
				s := dlibSplit{idx1: r.unsigned(8), idx2: r.unsigned(8), thresh: r.float()}
				splits = append(splits, s)
			}
			nl := r.count(1 << 13)
			if nl != ns+1 {
				r.fail("tree %d of cascade %d has %d splits and %d leaves", t, c, ns, nl)
			}
			for i := 0; i < nl && r.err == nil; i++ {
				leaf := r.floatMatrix()
				if len(leaf) != len(initial) {
					r.fail("a leaf of %d values for a shape of %d", len(leaf), len(initial))
				}
				leaves = append(leaves, leaf...)
			}
		}
	}
	h.Leaves = h.Splits + 1
	anchors := r.nested(forests, 1, func() float32 { return float32(r.unsigned(8)) })
	deltas := r.nested(forests, 2, r.float)
	if r.err != nil {
		return nil, fmt.Errorf("%w: dlib shape predictor: %w", ErrBadModel, r.err)
	}
	if r.off != len(r.b) {
		return nil, fmt.Errorf("%w: dlib shape predictor: %d bytes after the model", ErrBadModel, len(r.b)-r.off)
	}
	if err := h.check(anchors, deltas, splits); err != nil {
		return nil, err
	}
	return h.write(initial, anchors, deltas, splits, leaves), nil
}

// check makes sure the parts fit together: a shape of whole points, one
// anchor and one (x, y) delta per feature, split indices among the
// features, complete trees (splits+1 a power of two).
func (h *ShapeHeader) check(anchors, deltas [][]float32, splits []dlibSplit) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: dlib shape predictor: %s", ErrBadModel, fmt.Sprintf(format, a...))
	}
	if h.Parts == 0 || h.Cascades == 0 || h.Trees == 0 || h.Splits == 0 {
		return bad("empty model (%d parts, %d cascades, %d trees, %d splits)", h.Parts, h.Cascades, h.Trees, h.Splits)
	}
	if h.Leaves&(h.Leaves-1) != 0 {
		return bad("trees of %d leaves are not complete", h.Leaves)
	}
	if len(anchors) != int(h.Cascades) || len(deltas) != int(h.Cascades) {
		return bad("%d anchor and %d delta lists for %d cascades", len(anchors), len(deltas), h.Cascades)
	}
	h.Features = uint32(len(anchors[0]))
	for c := range anchors {
		if len(anchors[c]) != int(h.Features) || len(deltas[c]) != 2*int(h.Features) {
			return bad("cascade %d has %d anchors and %d delta values, want %d and %d", c, len(anchors[c]), len(deltas[c]), h.Features, 2*h.Features)
		}
		for _, a := range anchors[c] {
			if a >= float32(h.Parts) {
				return bad("anchor %v of %d parts", a, h.Parts)
			}
		}
	}
	if h.Features > math.MaxUint16 {
		return bad("%d features per cascade", h.Features)
	}
	for _, s := range splits {
		if s.idx1 >= uint64(h.Features) || s.idx2 >= uint64(h.Features) {
			return bad("split on features %d and %d of %d", s.idx1, s.idx2, h.Features)
		}
	}
	return nil
}

// write lays the model out in the flat form.
func (h ShapeHeader) write(initial []float32, anchors, deltas [][]float32, splits []dlibSplit, leaves []float32) []byte {
	_, _, _, _, leafOff, size := h.Layout()
	var buf bytes.Buffer
	buf.Grow(int(size))
	le := binary.LittleEndian
	buf.WriteString(ShapeMagic)
	for _, v := range []uint32{h.Parts, h.Cascades, h.Trees, h.Splits, h.Leaves, h.Features} {
		buf.Write(le.AppendUint32(nil, v))
	}
	buf.Write(make([]byte, ShapeHeaderSize-buf.Len()))
	f32 := func(vs []float32) {
		b := make([]byte, 4*len(vs))
		for i, v := range vs {
			le.PutUint32(b[4*i:], math.Float32bits(v))
		}
		buf.Write(b)
	}
	f32(initial)
	for _, a := range anchors {
		b := make([]byte, 4*len(a))
		for i, v := range a {
			le.PutUint32(b[4*i:], uint32(v))
		}
		buf.Write(b)
	}
	for _, d := range deltas {
		f32(d)
	}
	b := make([]byte, 8*len(splits))
	for i, s := range splits {
		le.PutUint16(b[8*i:], uint16(s.idx1))
		le.PutUint16(b[8*i+2:], uint16(s.idx2))
		le.PutUint32(b[8*i+4:], math.Float32bits(s.thresh))
	}
	buf.Write(b)
	buf.Write(make([]byte, int(leafOff)-buf.Len()))
	f32(leaves)
	return buf.Bytes()
}

type dlibSplit struct {
	idx1, idx2 uint64
	thresh     float32
}

// dlibReader decodes dlib's serialization (dlib/serialize.h): an integer is
// a control byte (its low four bits the number of bytes that follow, bit 7
// its sign for signed types) and that many little-endian bytes of its
// magnitude; a float is a signed 64-bit mantissa and a signed 16-bit
// exponent, mantissa * 2^exponent (dlib/float_details.h); a matrix is its
// rows and columns (negated in the current format) and its values row by
// row; a std::vector is its length and its items. The first error sticks.
type dlibReader struct {
	b   []byte
	off int
	err error
}

func (r *dlibReader) fail(format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d: %s", r.off, fmt.Sprintf(format, a...))
	}
}

// magnitude reads a control byte and the magnitude bytes that follow;
// maxBytes is the size of the integer type.
func (r *dlibReader) magnitude(maxBytes int, signed bool) (uint64, bool) {
	if r.err != nil {
		return 0, false
	}
	if r.off >= len(r.b) {
		r.fail("file ends inside a number")
		return 0, false
	}
	ctl := r.b[r.off]
	r.off++
	n := int(ctl & 0x0F)
	neg := ctl&0x80 != 0
	if !signed && ctl&0x80 != 0 || n == 0 || n > maxBytes {
		r.fail("bad integer control byte %#x", ctl)
		return 0, false
	}
	if r.off+n > len(r.b) {
		r.fail("file ends inside a number")
		return 0, false
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(r.b[r.off+i])
	}
	r.off += n
	return v, neg
}

func (r *dlibReader) unsigned(maxBytes int) uint64 {
	v, _ := r.magnitude(maxBytes, false)
	return v
}

func (r *dlibReader) signed(maxBytes int) int64 {
	v, neg := r.magnitude(maxBytes, true)
	if neg {
		return -int64(v)
	}
	return int64(v)
}

// count reads a std::vector length and refuses one above limit.
func (r *dlibReader) count(limit int) int {
	n := r.unsigned(8)
	if n > uint64(limit) {
		r.fail("a list of %d items (at most %d expected)", n, limit)
		return 0
	}
	return int(n)
}

// float reads a float as dlib's deserialize(float&) does: the mantissa
// converted to float, then scaled by 2^exponent (ldexpf).
func (r *dlibReader) float() float32 {
	if r.err == nil && r.off < len(r.b) && r.b[r.off]&0x70 != 0 {
		r.fail("a number in dlib's old text format")
		return 0
	}
	m := r.signed(8)
	e := r.signed(2)
	switch {
	case r.err != nil:
		return 0
	case e == 32000:
		return float32(math.Inf(1))
	case e == 32001:
		return float32(math.Inf(-1))
	case e >= 32002:
		return float32(math.NaN())
	}
	return float32(math.Ldexp(float64(float32(m)), int(e)))
}

// floatMatrix reads a dlib::matrix<float> as its values, row by row.
func (r *dlibReader) floatMatrix() []float32 {
	nr, nc := r.signed(8), r.signed(8)
	nr, nc = max(nr, -nr), max(nc, -nc)
	if r.err != nil || nr*nc > 1<<20 {
		r.fail("a matrix of %dx%d", nr, nc)
		return nil
	}
	out := make([]float32, nr*nc)
	for i := range out {
		out[i] = r.float()
	}
	return out
}

// nested reads a std::vector of n std::vectors whose items are per
// numbers each (a dlib::vector<float,2> is two) and returns each inner
// list's numbers. Anchors, indices below 2^24, are exact as float32.
func (r *dlibReader) nested(n, per int, item func() float32) [][]float32 {
	if got := r.count(1 << 10); got != n && r.err == nil {
		r.fail("%d lists for %d cascades", got, n)
	}
	out := make([][]float32, n)
	for c := 0; c < n && r.err == nil; c++ {
		k := r.count(1 << 16)
		for i := 0; i < k*per && r.err == nil; i++ {
			out[c] = append(out[c], item())
		}
	}
	return out
}
