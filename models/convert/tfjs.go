package convert

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// ErrBadWeights is returned when a weights manifest and its binary do not fit
// together (wrong length, unknown dtype, duplicate names).
var ErrBadWeights = errors.New("bad tfjs weights")

// Tensor is one named weight tensor decoded to float32.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Len is the number of elements the shape describes.
func (t Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

type tfjsQuantization struct {
	Dtype string  `json:"dtype"`
	Scale float64 `json:"scale"`
	Min   float64 `json:"min"`
}

type tfjsWeight struct {
	Name         string            `json:"name"`
	Shape        []int             `json:"shape"`
	Dtype        string            `json:"dtype"`
	Quantization *tfjsQuantization `json:"quantization"`
}

type tfjsGroup struct {
	Paths   []string     `json:"paths"`
	Weights []tfjsWeight `json:"weights"`
}

// ReadWeights decodes a TensorFlow.js weights manifest. files maps each path
// named in the manifest to its bytes. Quantized tensors are expanded with
// value = q*scale + min, half-float ones (float16 quantization) exactly;
// raw float32 and int32 tensors are read as stored.
// Integer tensors are returned as float32 too.
func ReadWeights(manifest []byte, files map[string][]byte) (map[string]Tensor, error) {
	var groups []tfjsGroup
	if err := json.Unmarshal(manifest, &groups); err != nil {
		return nil, fmt.Errorf("%w: manifest: %v", ErrBadWeights, err)
	}
	out := make(map[string]Tensor)
	for gi, g := range groups {
		var blob []byte
		for _, p := range g.Paths {
			b, ok := files[p]
			if !ok {
				return nil, fmt.Errorf("%w: group %d: missing file %q", ErrBadWeights, gi, p)
			}
			blob = append(blob, b...)
		}
		off := 0
		for _, w := range g.Weights {
			if _, dup := out[w.Name]; dup {
				return nil, fmt.Errorf("%w: duplicate tensor %q", ErrBadWeights, w.Name)
			}
			t := Tensor{Name: w.Name, Shape: append([]int(nil), w.Shape...)}
			n := t.Len()
			data, used, err := decodeTensor(w, n, blob[off:])
			if err != nil {
				return nil, fmt.Errorf("%w: tensor %q: %v", ErrBadWeights, w.Name, err)
			}
			t.Data = data
			off += used
			out[w.Name] = t
		}
		if off != len(blob) {
			return nil, fmt.Errorf("%w: group %d: %d bytes described, %d stored", ErrBadWeights, gi, off, len(blob))
		}
	}
	return out, nil
}

func decodeTensor(w tfjsWeight, n int, b []byte) ([]float32, int, error) {
	data := make([]float32, n)
	if q := w.Quantization; q != nil {
		if q.Dtype == "float16" {
			// tfjs graph models store float32 weights as IEEE half floats.
			if len(b) < 2*n {
				return nil, 0, fmt.Errorf("needs %d bytes, %d left", 2*n, len(b))
			}
			for i := range data {
				data[i] = halfToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
			}
			return data, 2 * n, nil
		}
		size := map[string]int{"uint8": 1, "uint16": 2}[q.Dtype]
		if size == 0 {
			return nil, 0, fmt.Errorf("unsupported quantization %q", q.Dtype)
		}
		if len(b) < n*size {
			return nil, 0, fmt.Errorf("needs %d bytes, %d left", n*size, len(b))
		}
		for i := range data {
			var v float64
			if size == 1 {
				v = float64(b[i])
			} else {
				v = float64(binary.LittleEndian.Uint16(b[2*i:]))
			}
			data[i] = float32(v*q.Scale + q.Min)
		}
		return data, n * size, nil
	}
	if len(b) < 4*n {
		return nil, 0, fmt.Errorf("needs %d bytes, %d left", 4*n, len(b))
	}
	for i := range data {
		u := binary.LittleEndian.Uint32(b[4*i:])
		switch w.Dtype {
		case "float32":
			data[i] = math.Float32frombits(u)
		case "int32":
			data[i] = float32(int32(u))
		default:
			return nil, 0, fmt.Errorf("unsupported dtype %q", w.Dtype)
		}
	}
	return data, 4 * n, nil
}

// halfToFloat32 widens an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	case frac == 0: // signed zero
		return math.Float32frombits(sign)
	}
	// Subnormal: value = frac * 2^-24.
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
