package gallery

import (
	"math"
	"slices"
)

// Fine codes: a second, finer estimate between the product-quantizer
// shortlist and the file, for galleries whose int8 codes stay in the file.
//
// Each dimension of a face's residual r (descriptor minus its list's
// centroid) is replaced by the nearest of 16 levels trained for that
// dimension (one-dimensional k-means: a scalar quantizer, non-uniform), so
// a face's fine code is 128 4-bit numbers, 64 bytes, two dimensions to a
// byte. The estimate of |q - x|^2 for x = c + r, with r' the decoded
// residual, is, as for the product quantizer (see pq.go),
//
//	|q - c|^2 - 2 q.r' + fineBeta,  fineBeta = |r|^2 + 2 c.r'
//
// where q.r' is a sum of 64 lookups in one probe's byte-pair tables. Its
// error is about a third of the product quantizer's (2 bits a dimension
// against 4 here), so a normalised search can choose the faces it reads
// from the file by it (see index.rerankFine) and read far fewer of them.
const (
	fineLevels = 16
	fineBytes  = dim / 2 // 64
	fineIters  = 12
)

// fineQuantizer holds each dimension's levels, ascending, and the
// boundaries between neighbouring levels (their midpoints).
type fineQuantizer struct {
	levels [dim][fineLevels]float32
	bounds [dim][fineLevels - 1]float32
}

// trainFine fits the levels of each dimension to residuals (n*128 values)
// with one-dimensional k-means (Lloyd's algorithm, from the quantiles).
// It needs at least fineLevels residuals.
func trainFine(residuals []float32) *fineQuantizer {
	n := len(residuals) / dim
	fq := new(fineQuantizer)
	col := make([]float64, n)
	sum := make([]float64, n+1) // prefix sums of the sorted column
	for j := range dim {
		for i := range n {
			col[i] = float64(residuals[i*dim+j])
		}
		slices.Sort(col)
		for i, v := range col {
			sum[i+1] = sum[i] + v
		}
		var lv [fineLevels]float64
		for k := range lv {
			lv[k] = col[(2*k+1)*n/(2*fineLevels)]
		}
		for range fineIters {
			lo := 0
			for k := range lv {
				hi := n
				if k < fineLevels-1 {
					mid := (lv[k] + lv[k+1]) / 2
					hi, _ = slices.BinarySearch(col, mid)
					hi = max(hi, lo)
				}
				if hi > lo { // an empty level keeps its place
					lv[k] = (sum[hi] - sum[lo]) / float64(hi-lo)
				}
				lo = hi
			}
		}
		for k, v := range lv {
			fq.levels[j][k] = float32(v)
		}
		for k := range fineLevels - 1 {
			fq.bounds[j][k] = (fq.levels[j][k] + fq.levels[j][k+1]) / 2
		}
	}
	return fq
}

// level is the number of the level of dimension j nearest v: how many
// of its boundaries lie below v, found by a binary search without
// branches (residuals are random, so branches would be mispredicted half
// the time: that made encoding ten times slower).
func (fq *fineQuantizer) level(j int, v float32) int {
	b := &fq.bounds[j]
	k := above(v, b[7]) << 3
	k += above(v, b[k+3]) << 2
	k += above(v, b[k+1]) << 1
	return k + above(v, b[k])
}

// above is 1 when v > b and 0 otherwise: the sign of b - v, which is
// never zero for distinct finite numbers.
func above(v, b float32) int { return int(math.Float32bits(b-v) >> 31) }

// encode writes the fine code of x's residual from centroid c and returns
// its fineBeta.
func (fq *fineQuantizer) encode(x, c *[dim]float32, out []byte) float32 {
	out = out[:fineBytes]
	// Two dimensions a byte, each summed apart: the sums' additions do not
	// wait for each other.
	var n0, n1, c0, c1 float64
	for m := range fineBytes {
		j := 2 * m
		r0, r1 := x[j]-c[j], x[j+1]-c[j+1]
		k0, k1 := fq.level(j, r0), fq.level(j+1, r1)
		out[m] = byte(k0 | k1<<4)
		n0 += float64(r0) * float64(r0)
		n1 += float64(r1) * float64(r1)
		c0 += float64(c[j]) * float64(fq.levels[j][k0])
		c1 += float64(c[j+1]) * float64(fq.levels[j+1][k1])
	}
	return float32((n0 + n1) + 2*(c0+c1))
}

// fineTable is one probe's lookup tables: entry b of table m is -2 q.r'
// over dimensions 2m and 2m+1 when the code's byte m is b.
type fineTable struct {
	t [fineBytes][fineLevels * fineLevels]float32
}

// fill computes the tables for probe q.
func (t *fineTable) fill(fq *fineQuantizer, q *[dim]float32) {
	for m := range fineBytes {
		var lo, hi [fineLevels]float32
		for k := range fineLevels {
			lo[k] = -2 * q[2*m] * fq.levels[2*m][k]
			hi[k] = -2 * q[2*m+1] * fq.levels[2*m+1][k]
		}
		row := &t.t[m]
		for b := range fineLevels {
			for a := range fineLevels {
				row[b*fineLevels+a] = lo[a] + hi[b]
			}
		}
	}
}

// sum is -2 q.r' for the fine code c.
func (t *fineTable) sum(c []byte) float32 {
	c = c[:fineBytes]
	var s0, s1, s2, s3 float32
	for m := 0; m < fineBytes; m += 4 {
		s0 += t.t[m][c[m]]
		s1 += t.t[m+1][c[m+1]]
		s2 += t.t[m+2][c[m+2]]
		s3 += t.t[m+3][c[m+3]]
	}
	return (s0 + s1) + (s2 + s3)
}

// fineError is the squared distance between x and its fine-decoded point
// (c plus the decoded residual), for tests.
func (fq *fineQuantizer) fineError(x, c *[dim]float32, code []byte) float64 {
	var e float64
	for j := range dim {
		k := int(code[j/2]>>(4*(j%2))) & (fineLevels - 1)
		d := float64(x[j]) - float64(c[j]) - float64(fq.levels[j][k])
		e += d * d
	}
	return e
}
