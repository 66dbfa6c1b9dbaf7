package convert

import (
	"fmt"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
)

// Names of the UltraFace model's input and outputs after UltraFaceDynamic.
const (
	// UltraFaceInput is the NCHW RGB image, (pixel - 127) / 128, of any
	// height and width.
	UltraFaceInput = "input"
	// UltraFaceScores holds, per prior, the softmax of (background, face):
	// shape [1, priors, 2].
	UltraFaceScores = "scores"
	// UltraFaceRegression holds, per prior, the box regression (centre x and
	// y, log width and height, before the variances): shape [1, priors, 4].
	UltraFaceRegression = "regression"
)

// UltraFaceDynamic converts UltraFace RFB-320 (Ultra-Light-Fast-Generic-
// Face-Detector-1MB's version-RFB-320.onnx, as npm
// faceplugin-face-recognition-js ships it: PyTorch 1.7 export, opset 9,
// fixed 1x3x240x320 input, boxes decoded in the graph against 4420 priors
// of that size) into a model of any input size:
//
//   - each of the 8 head Reshapes computed its target from the runtime
//     shape ([batch, -1, k] through Shape, Gather, Unsqueeze, Concat); the
//     target becomes the constant [0, -1, k];
//   - the box decoding after the concatenated regression heads (Slice, Exp,
//     Mul, Add against the prior constants of the 320x240 input) is
//     dropped: the raw regression is the output "regression", decoded
//     against priors of the real input size by the caller;
//   - the input's height and width are made symbolic.
//
// Nodes no output depends on any more are removed. The weights are not
// touched.
func UltraFaceDynamic(model []byte) ([]byte, error) {
	var m onnx.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil || m.Graph == nil {
		return nil, fmt.Errorf("%w: not an ONNX model", ErrBadModel)
	}
	g := m.Graph
	if len(g.Input) != 1 || g.Input[0].Name != UltraFaceInput || len(g.Output) != 2 ||
		g.Output[0].Name != "scores" || g.Output[1].Name != "boxes" {
		return nil, fmt.Errorf("%w: want UltraFace's input %q and outputs scores and boxes", ErrBadModel, UltraFaceInput)
	}
	inits, producer := graphIndex(g)
	reshapes := 0
	for _, n := range g.Node {
		if n.OpType != "Reshape" || len(n.Input) != 2 {
			continue
		}
		target := producer[n.Input[1]]
		if target == nil || target.OpType != "Concat" || len(target.Input) != 3 {
			return nil, fmt.Errorf("%w: reshape %s: target is not a computed [batch, -1, k]", ErrBadModel, n.Name)
		}
		minus, err := int64Values(inits[target.Input[1]])
		if err != nil || len(minus) != 1 || minus[0] != -1 {
			return nil, fmt.Errorf("%w: reshape %s: middle of the target is %v, want -1 (%v)", ErrBadModel, n.Name, minus, err)
		}
		k, err := int64Values(inits[target.Input[2]])
		if err != nil || len(k) != 1 || (k[0] != 2 && k[0] != 4) {
			return nil, fmt.Errorf("%w: reshape %s: last of the target is %v, want 2 or 4 (%v)", ErrBadModel, n.Name, k, err)
		}
		name := n.Output[0] + "/shape"
		g.Initializer = append(g.Initializer, &onnx.TensorProto{
			Name: name, Dims: []int64{3}, DataType: int32(onnx.TensorProto_INT64),
			Int64Data: []int64{0, -1, k[0]},
		})
		n.Input[1] = name
		reshapes++
	}
	if reshapes != 8 {
		return nil, fmt.Errorf("%w: found %d head reshapes, want UltraFace's 8", ErrBadModel, reshapes)
	}
	// The regression heads meet in a Concat of 4 on axis 1 that nothing
	// but the decoding reads; the scores go through Softmax to "scores".
	softmax := producer["scores"]
	if softmax == nil || softmax.OpType != "Softmax" {
		return nil, fmt.Errorf("%w: scores are not a Softmax", ErrBadModel)
	}
	var regression *onnx.NodeProto
	for _, n := range g.Node {
		if n.OpType == "Concat" && len(n.Input) == 4 && n.Output[0] != softmax.Input[0] {
			if regression != nil {
				return nil, fmt.Errorf("%w: more than one concatenation of 4 heads besides the scores", ErrBadModel)
			}
			regression = n
		}
	}
	if regression == nil {
		return nil, fmt.Errorf("%w: no concatenation of the 4 regression heads", ErrBadModel)
	}
	regression.Output[0] = UltraFaceRegression
	g.Node = nodesFeeding(g.Node, []string{"scores", UltraFaceRegression})
	g.Initializer = initializersUsed(g.Node, g.Initializer)
	g.ValueInfo = nil

	dims := g.Input[0].GetType().GetTensorType().GetShape().GetDim()
	if len(dims) != 4 || dims[1].GetDimValue() != 3 {
		return nil, fmt.Errorf("%w: input is not NCHW RGB", ErrBadModel)
	}
	dims[2].Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: "height"}
	dims[3].Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: "width"}
	scores := valueInfo("scores", []int64{1, -1, 2})
	scores.Type.GetTensorType().Shape.Dim[1].Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: "priors"}
	reg := valueInfo(UltraFaceRegression, []int64{1, -1, 4})
	reg.Type.GetTensorType().Shape.Dim[1].Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: "priors"}
	g.Output = []*onnx.ValueInfoProto{scores, reg}
	m.ProducerName, m.ProducerVersion = "facecase convert ultraface-dynamic (from pytorch 1.7)", ""
	out, err := proto.MarshalOptions{Deterministic: true}.Marshal(&m)
	if err != nil {
		return nil, fmt.Errorf("marshal UltraFace: %w", err)
	}
	return out, nil
}

// CheckUltraFace verifies that model is UltraFaceDynamic's output: the
// input and the two outputs by name, with free height and width.
func CheckUltraFace(model []byte) error {
	var m onnx.ModelProto
	if err := proto.Unmarshal(model, &m); err != nil || m.Graph == nil || len(m.Graph.Node) == 0 {
		return fmt.Errorf("%w: not an ONNX model", ErrBadModel)
	}
	g := m.Graph
	if len(g.Input) != 1 || g.Input[0].Name != UltraFaceInput || len(g.Output) != 2 ||
		g.Output[0].Name != UltraFaceScores || g.Output[1].Name != UltraFaceRegression {
		return fmt.Errorf("%w: not the converted UltraFace model (input %q, outputs %q and %q)", ErrBadModel, UltraFaceInput, UltraFaceScores, UltraFaceRegression)
	}
	dims := g.Input[0].GetType().GetTensorType().GetShape().GetDim()
	if len(dims) != 4 || dims[2].GetDimParam() == "" || dims[3].GetDimParam() == "" {
		return fmt.Errorf("%w: UltraFace input has fixed height or width", ErrBadModel)
	}
	return nil
}

// nodesFeeding keeps the nodes (in their order) that the named values
// depend on.
func nodesFeeding(nodes []*onnx.NodeProto, outputs []string) []*onnx.NodeProto {
	_, producer := graphIndex(&onnx.GraphProto{Node: nodes})
	needed := map[*onnx.NodeProto]bool{}
	stack := append([]string(nil), outputs...)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := producer[v]
		if n == nil || needed[n] {
			continue
		}
		needed[n] = true
		stack = append(stack, n.Input...)
	}
	var kept []*onnx.NodeProto
	for _, n := range nodes {
		if needed[n] {
			kept = append(kept, n)
		}
	}
	return kept
}

// initializersUsed keeps the initializers some node reads.
func initializersUsed(nodes []*onnx.NodeProto, inits []*onnx.TensorProto) []*onnx.TensorProto {
	read := map[string]bool{}
	for _, n := range nodes {
		for _, in := range n.Input {
			read[in] = true
		}
	}
	var kept []*onnx.TensorProto
	for _, t := range inits {
		if read[t.Name] {
			kept = append(kept, t)
		}
	}
	return kept
}
