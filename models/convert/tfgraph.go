package convert

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadGraph is returned when a TensorFlow.js graph model cannot be read
// or translated: malformed JSON, a missing weight, an operator or an
// attribute the translator does not know.
var ErrBadGraph = errors.New("bad tfjs graph model")

// TFGraph is a TensorFlow.js graph model (model.json with format
// "graph-model"): the nodes of a frozen TensorFlow graph and the decoded
// tensors of its constants.
type TFGraph struct {
	// Nodes in the order the file lists them (not necessarily topological).
	Nodes []TFNode
	// Weights holds the value of every Const node, by node name.
	Weights map[string]Tensor
	byName  map[string]int
}

// TFNode is one operator of a graph model.
type TFNode struct {
	Name string
	Op   string
	// Inputs name producing nodes, "name:k" for a node's k-th output;
	// control inputs ("^name") are dropped when the graph is read.
	Inputs []string
	Attr   map[string]TFAttr
}

// TFAttr is one attribute value as TensorFlow.js writes it in JSON: exactly
// one of its fields is set.
type TFAttr struct {
	S    *string  `json:"s"` // base64
	I    *string  `json:"i"` // int64 as a decimal string
	F    *float64 `json:"f"`
	B    *bool    `json:"b"`
	Type *string  `json:"type"`
	List *struct {
		I []string  `json:"i"`
		F []float64 `json:"f"`
		S []string  `json:"s"`
	} `json:"list"`
	Shape  json.RawMessage `json:"shape"`
	Tensor json.RawMessage `json:"tensor"`
}

type tfGraphFile struct {
	Format        string `json:"format"`
	ModelTopology struct {
		Node []struct {
			Name  string            `json:"name"`
			Op    string            `json:"op"`
			Input []string          `json:"input"`
			Attr  map[string]TFAttr `json:"attr"`
		} `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest json.RawMessage `json:"weightsManifest"`
}

// ReadTFGraph decodes a graph model: modelJSON is model.json, files maps
// each weights path it names (for example "nanodet.bin") to its bytes.
// Weights stored as half floats or quantized are widened to float32; int32
// tensors (TensorFlow.js stores int64 constants as int32) are read as
// float32 too, exact for the small integers graphs hold (shapes, axes).
func ReadTFGraph(modelJSON []byte, files map[string][]byte) (*TFGraph, error) {
	var f tfGraphFile
	if err := json.Unmarshal(modelJSON, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadGraph, err)
	}
	if f.Format != "graph-model" {
		return nil, fmt.Errorf("%w: format %q, want graph-model", ErrBadGraph, f.Format)
	}
	if len(f.WeightsManifest) == 0 {
		return nil, fmt.Errorf("%w: no weights manifest", ErrBadGraph)
	}
	w, err := ReadWeights(f.WeightsManifest, files)
	if err != nil {
		return nil, err
	}
	g := &TFGraph{Weights: w, byName: map[string]int{}}
	for _, n := range f.ModelTopology.Node {
		if _, dup := g.byName[n.Name]; dup {
			return nil, fmt.Errorf("%w: two nodes named %q", ErrBadGraph, n.Name)
		}
		node := TFNode{Name: n.Name, Op: n.Op, Attr: n.Attr}
		for _, in := range n.Input {
			if !strings.HasPrefix(in, "^") {
				node.Inputs = append(node.Inputs, in)
			}
		}
		if n.Op == "Const" {
			if _, ok := w[n.Name]; !ok {
				return nil, fmt.Errorf("%w: constant %q has no weights", ErrBadGraph, n.Name)
			}
		}
		g.byName[n.Name] = len(g.Nodes)
		g.Nodes = append(g.Nodes, node)
	}
	if len(g.Nodes) == 0 {
		return nil, fmt.Errorf("%w: no nodes", ErrBadGraph)
	}
	return g, nil
}

// Node returns the node with the given name (without an output suffix).
func (g *TFGraph) Node(name string) (*TFNode, bool) {
	i, ok := g.byName[name]
	if !ok {
		return nil, false
	}
	return &g.Nodes[i], true
}

// splitTensorName splits "node:k" into the node's name and output index.
func splitTensorName(s string) (string, int) {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		if k, err := strconv.Atoi(s[i+1:]); err == nil {
			return s[:i], k
		}
	}
	return s, 0
}

// attrInts returns an integer-list attribute.
func (n *TFNode) attrInts(name string) ([]int, error) {
	a, ok := n.Attr[name]
	if !ok || a.List == nil {
		return nil, fmt.Errorf("%w: %s %s: no integer list %q", ErrBadGraph, n.Op, n.Name, name)
	}
	out := make([]int, len(a.List.I))
	for i, s := range a.List.I {
		v, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %s: %q: %v", ErrBadGraph, n.Op, n.Name, name, err)
		}
		out[i] = v
	}
	return out, nil
}

// attrInt returns an integer attribute, or def when it is absent.
func (n *TFNode) attrInt(name string, def int) (int, error) {
	a, ok := n.Attr[name]
	if !ok || a.I == nil {
		return def, nil
	}
	v, err := strconv.Atoi(*a.I)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %s: %q: %v", ErrBadGraph, n.Op, n.Name, name, err)
	}
	return v, nil
}

// attrString returns a string attribute (decoded from base64), or def.
func (n *TFNode) attrString(name, def string) (string, error) {
	a, ok := n.Attr[name]
	if !ok || a.S == nil {
		return def, nil
	}
	b, err := base64.StdEncoding.DecodeString(*a.S)
	if err != nil {
		return "", fmt.Errorf("%w: %s %s: %q: %v", ErrBadGraph, n.Op, n.Name, name, err)
	}
	return string(b), nil
}

// attrStrings returns a string-list attribute (each decoded from base64).
func (n *TFNode) attrStrings(name string) ([]string, error) {
	a, ok := n.Attr[name]
	if !ok || a.List == nil {
		return nil, nil
	}
	out := make([]string, len(a.List.S))
	for i, s := range a.List.S {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %s: %q: %v", ErrBadGraph, n.Op, n.Name, name, err)
		}
		out[i] = string(b)
	}
	return out, nil
}

// attrFloat returns a float attribute, or def when it is absent.
func (n *TFNode) attrFloat(name string, def float64) float64 {
	if a, ok := n.Attr[name]; ok && a.F != nil {
		return *a.F
	}
	return def
}

// attrBool returns a boolean attribute, or false when it is absent.
func (n *TFNode) attrBool(name string) bool {
	a, ok := n.Attr[name]
	return ok && a.B != nil && *a.B
}
