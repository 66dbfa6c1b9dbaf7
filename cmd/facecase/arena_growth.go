package main

import "facecase/internal/ort"

// The desktop app's ONNX Runtime arena grows by what each allocation asks,
// not by doubling: with two cases open, two video detector runs in flight
// made the doubling arena take a 256 MB block, and the screenshot tour
// peaked 30-60 MiB higher on average (docs/benchmarks.md, "Memory", sixth
// pass). facecase-cli keeps the default, which measured lower for a batch
// of photos.
func init() { ort.SetArenaGrowth(ort.ArenaExact) }
