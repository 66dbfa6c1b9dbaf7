package ort_test

import (
	"testing"

	"facecase/internal/ort"
	"facecase/internal/testenv"
	"facecase/models/convert"
)

// runtimeForTest loads the installed ONNX Runtime library (make models
// installs it; a missing one fails with the command that installs it).
func runtimeForTest(t testing.TB) *ort.Runtime {
	t.Helper()
	rt, err := ort.Load(testenv.Model(t, "onnxruntime"))
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// affineModel is y = 2x + 1 and z = relu(x) for x of any 2-D shape.
func affineModel(t testing.TB) []byte {
	t.Helper()
	g := convert.NewGraph("affine")
	x := g.Input("x", -1, -1)
	two := g.Const("two", []int64{1}, []float32{2})
	one := g.Const("one", []int64{1}, []float32{1})
	g.NamedNode("y", "Add", []string{g.Node("Mul", []string{x, two}), one})
	g.NamedNode("z", "Relu", []string{x})
	g.Output("y", -1, -1)
	g.Output("z", -1, -1)
	b, err := g.Marshal(13, "facecase test")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixedModel takes x of shape [1, 3] only.
func fixedModel(t testing.TB) []byte {
	t.Helper()
	g := convert.NewGraph("fixed")
	x := g.Input("x", 1, 3)
	g.NamedNode("y", "Relu", []string{x})
	g.Output("y", 1, 3)
	b, err := g.Marshal(13, "facecase test")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
