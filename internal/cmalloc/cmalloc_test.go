package cmalloc

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"gocv.io/x/gocv"
)

// residentKB reads the process's resident set size from /proc.
func residentKB(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatal(err)
			}
			return kb
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestTrimReturnsFreedHoles frees every other one of many small OpenCV
// buffers, so that the freed memory lies in holes between live ones where
// the C allocator never returns it by itself, and checks that Trim hands
// most of it back.
func TestTrimReturnsFreedHoles(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Trim only acts on Linux (glibc)")
	}
	// One thread for every allocation and free: they land in one arena.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const n, side = 2000, 128 // 2000 buffers of 48 KiB, under glibc's mmap threshold
	mats := make([]gocv.Mat, n)
	for i := range mats {
		mats[i] = gocv.NewMatWithSizeFromScalar(gocv.NewScalar(1, 2, 3, 0), side, side, gocv.MatTypeCV8UC3)
	}
	for i := 0; i < n; i += 2 {
		mats[i].Close()
	}
	defer func() {
		for i := 1; i < n; i += 2 {
			mats[i].Close()
		}
	}()
	freedKB := n / 2 * side * side * 3 / 1024
	before := residentKB(t)
	if !Trim() {
		t.Error("Trim released nothing")
	}
	after := residentKB(t)
	t.Logf("resident %d kB before Trim, %d after; %d kB freed in holes", before, after, freedKB)
	if before-after < freedKB/2 {
		t.Errorf("Trim gave back %d kB of the %d kB freed, want at least half", before-after, freedKB)
	}
}
