package recognition

import (
	"testing"

	"gocv.io/x/gocv"

	"facecase/models/convert"
)

// BenchmarkDescriptorInt8Batch32 is BenchmarkDescriptorBatch32 on the int8
// model of the installed descriptor (convert.DlibResNetV1Int8, every
// convolution int8). The ranges come from noise chips: the int8 net's cost
// does not depend on them. Run both in one process to compare:
//
//	go test ./recognition/ -run '^$' -bench 'Descriptor(Int8)?Batch32' -benchtime 20x -count 3
func BenchmarkDescriptorInt8Batch32(b *testing.B) {
	chips := make([]gocv.Mat, 8)
	for i := range chips {
		chips[i] = gocv.NewMatWithSize(ChipSize, ChipSize, gocv.MatTypeCV8UC3)
		gocv.RandU(&chips[i], gocv.NewScalar(0, 0, 0, 0), gocv.NewScalar(255, 255, 255, 0))
	}
	p := descInt8Build(b, chips, convert.Int8Options{})
	descNetCloseAll(chips)
	n, err := NewDescriptorNet(p, NetOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close()
	benchmarkDescriptorNet(b, n, 32)
}
