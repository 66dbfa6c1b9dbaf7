//go:build linux && cgo

package main

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"facecase/internal/cmalloc/arenacap"
)

// TestCLICapsMallocArenas checks that facecase-cli links the arena cap as
// the desktop app does (docs/benchmarks.md, "Memory", sixth pass: analyze
// of the six demo photos peaked about 30 MiB lower with two arenas).
func TestCLICapsMallocArenas(t *testing.T) {
	envWins := os.Getenv("MALLOC_ARENA_MAX") != "" || strings.Contains(os.Getenv("GLIBC_TUNABLES"), "arena_max")
	want := max(2, runtime.NumCPU())
	if envWins {
		want = 0 // the environment's limit holds; the package sets none
	}
	if got := arenacap.Arenas(); got != want {
		t.Errorf("arena cap %d, want %d (environment wins: %v)", got, want, envWins)
	}
}
