//go:build linux && cgo

package main

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"facecase/internal/cmalloc/arenacap"
)

// TestAppCapsMallocArenas checks that the desktop app links the arena
// cap, so that it was set as the program loaded: one arena a core, at
// least two (docs/benchmarks.md, "Memory", fifth pass: the screenshot
// tour peaked 80-200 MiB lower than with two a core set from main).
func TestAppCapsMallocArenas(t *testing.T) {
	if os.Getenv("MALLOC_ARENA_MAX") != "" || strings.Contains(os.Getenv("GLIBC_TUNABLES"), "arena_max") {
		t.Skip("MALLOC_ARENA_MAX or an arena_max tunable is set in this environment: it wins and the app sets no cap")
	}
	if got, want := arenacap.Arenas(), max(2, runtime.NumCPU()); got != want {
		t.Errorf("arena cap %d, want %d", got, want)
	}
}
