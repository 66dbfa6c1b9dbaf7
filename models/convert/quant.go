package convert

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/advancedclimatesystems/gonnx/onnx"
)

// ActRange is the calibrated range of one activation tensor: the values a
// quantised model can represent for it. Min is at most 0 and Max at least
// 0 once widened (real zero must be exact, for zero padding and ReLU).
type ActRange struct {
	Min float32 `json:"min"`
	Max float32 `json:"max"`
}

// actQuant is the uint8 quantisation of one activation: x = (q - zero) * scale.
type actQuant struct {
	scale float32
	zero  uint8
}

// uint8Quant maps a range onto 0..255 with zero exactly representable.
func uint8Quant(r ActRange) actQuant {
	lo := math.Min(0, float64(r.Min))
	hi := math.Max(0, float64(r.Max))
	scale := (hi - lo) / 255
	if scale <= 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return actQuant{scale: 1}
	}
	zero := math.Round(-lo / scale)
	return actQuant{scale: float32(scale), zero: uint8(min(255, max(0, zero)))}
}

// channelWeights are a conv's weights quantised per output channel,
// symmetric (zero point 0): w = q * scale[o].
type channelWeights struct {
	q     []int8
	scale []float32
}

// quantiseChannels quantises float weights laid out with the output
// channel first ([O, ...]) to int8 in -limit..limit, one scale a channel.
// An all-zero channel gets scale 1.
func quantiseChannels(w []float32, out int, limit int) channelWeights {
	per := len(w) / out
	cw := channelWeights{q: make([]int8, len(w)), scale: make([]float32, out)}
	for o := 0; o < out; o++ {
		ch := w[o*per : (o+1)*per]
		var m float64
		for _, v := range ch {
			m = math.Max(m, math.Abs(float64(v)))
		}
		s := m / float64(limit)
		if s == 0 {
			s = 1
		}
		cw.scale[o] = float32(s)
		for i, v := range ch {
			q := math.RoundToEven(float64(v) / float64(cw.scale[o]))
			cw.q[o*per+i] = int8(min(float64(limit), max(-float64(limit), q)))
		}
	}
	return cw
}

// quantiseBias turns a float bias into int32 at the scale of the conv's
// accumulator, inScale * weightScale[o], as QLinearConv takes it.
func quantiseBias(b []float32, inScale float32, w channelWeights) ([]int32, []float32) {
	q := make([]int32, len(b))
	scale := make([]float32, len(b))
	for o, v := range b {
		scale[o] = inScale * w.scale[o]
		r := math.RoundToEven(float64(v) / float64(scale[o]))
		q[o] = int32(min(math.MaxInt32, max(math.MinInt32, r)))
	}
	return q, scale
}

// tensorInt8 is an INT8 initializer; an empty dims list makes a scalar.
func tensorInt8(name string, dims []int64, v []int8) *onnx.TensorProto {
	raw := make([]byte, len(v))
	for i, x := range v {
		raw[i] = byte(x)
	}
	return &onnx.TensorProto{Name: name, Dims: dims, DataType: int32(onnx.TensorProto_INT8), RawData: raw}
}

// tensorUint8 is a UINT8 initializer.
func tensorUint8(name string, dims []int64, v []uint8) *onnx.TensorProto {
	return &onnx.TensorProto{Name: name, Dims: dims, DataType: int32(onnx.TensorProto_UINT8), RawData: append([]byte(nil), v...)}
}

// tensorInt32 is an INT32 initializer, raw little-endian.
func tensorInt32(name string, dims []int64, v []int32) *onnx.TensorProto {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(x))
	}
	return &onnx.TensorProto{Name: name, Dims: dims, DataType: int32(onnx.TensorProto_INT32), RawData: raw}
}

// tensorFloat is a FLOAT initializer.
func tensorFloat(name string, dims []int64, v []float32) *onnx.TensorProto {
	return &onnx.TensorProto{Name: name, Dims: dims, DataType: int32(onnx.TensorProto_FLOAT), FloatData: append([]float32(nil), v...)}
}

// floatData returns a float initializer's values, from either encoding.
func floatData(t *onnx.TensorProto) ([]float32, error) {
	if t.GetDataType() != int32(onnx.TensorProto_FLOAT) {
		return nil, fmt.Errorf("initializer %q is not float", t.GetName())
	}
	if raw := t.GetRawData(); len(raw) > 0 {
		v := make([]float32, len(raw)/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return v, nil
	}
	return t.GetFloatData(), nil
}
