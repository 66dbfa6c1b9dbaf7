package recognition

import (
	"context"
	"syscall"
	"testing"

	"gocv.io/x/gocv"
)

// Target: <= 6 ms per face in batches on 2 cores (../shared/docs/models.md
// measured about 8 ms for one chip and 5.8 ms per chip in batches of 8 to
// 100 with OpenCV 4.6 DNN). Run with:
//
//	go test ./recognition/ -run '^$' -bench DescriptorBatch -benchtime 20x
func BenchmarkDescriptorBatch1(b *testing.B)  { benchmarkDescriptorBatch(b, 1) }
func BenchmarkDescriptorBatch8(b *testing.B)  { benchmarkDescriptorBatch(b, 8) }
func BenchmarkDescriptorBatch32(b *testing.B) { benchmarkDescriptorBatch(b, 32) }

func benchmarkDescriptorBatch(b *testing.B, size int) {
	benchmarkDescriptorNet(b, descNetOpen(b), size)
}

// benchmarkDescriptorNet times Compute on size noise chips and reports the
// wall time and the process's processor time per face.
func benchmarkDescriptorNet(b *testing.B, n *DescriptorNet, size int) {
	// Noise chips: the net's cost does not depend on the pixels.
	chips := make([]gocv.Mat, size)
	for i := range chips {
		chips[i] = gocv.NewMatWithSize(ChipSize, ChipSize, gocv.MatTypeCV8UC3)
		gocv.RandU(&chips[i], gocv.NewScalar(0, 0, 0, 0), gocv.NewScalar(255, 255, 255, 0))
	}
	defer descNetCloseAll(chips)
	ctx := context.Background()
	// The first forward pass at a batch size sets up the net's buffers.
	if _, err := n.Compute(ctx, chips); err != nil {
		b.Fatalf("Compute: %v", err)
	}
	b.ResetTimer()
	c0 := benchProcessCPU()
	for i := 0; i < b.N; i++ {
		if _, err := n.Compute(ctx, chips); err != nil {
			b.Fatalf("Compute: %v", err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N*size), "ms/face")
	b.ReportMetric(float64(benchProcessCPU()-c0)/1e6/float64(b.N*size), "cpu-ms/face")
}

// benchProcessCPU is the processor time (user + system, every thread) the
// process has used so far, in nanoseconds.
func benchProcessCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
