package main

import "facecase/internal/ort"

// The desktop app's ONNX Runtime arena grows by what each allocation asks,
// not by doubling: with two cases open, two video detector runs in flight
// made the doubling arena take a 256 MB block: the screenshot tour peaked
// at 901-1010 MiB (mean 963) with it, at 887-936 (mean 919) growing
// exactly (docs/benchmarks.md, "Memory", sixth pass). facecase-cli keeps
// the default: for a batch of photos exact growth peaked 50-100 MiB higher.
func init() { ort.SetArenaGrowth(ort.ArenaExact) }
