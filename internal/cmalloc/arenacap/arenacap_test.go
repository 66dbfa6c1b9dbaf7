//go:build linux && cgo

package arenacap

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"facecase/internal/cmalloc/arenacap/internal/arenaprobe"
)

// allocatingThreads is how many threads the tests start, each wanting an
// arena of its own: more than the cap (one a core), fewer than glibc's own
// limit without it (eight a core).
var allocatingThreads = 2*runtime.NumCPU() + 8

// envArenas is set in the child of TestThreadsMakeArenasWithoutTheCap:
// the child spawns the threads and prints how many arenas there are.
const envArenas = "FACECASE_ARENAPROBE_CHILD"

func environmentSetsCap() bool {
	return os.Getenv("MALLOC_ARENA_MAX") != "" || strings.Contains(os.Getenv("GLIBC_TUNABLES"), "arena_max")
}

// TestCapHoldsForNewThreads checks that the constructor set one arena a
// core (at least two), and that threads started later, each wanting an
// arena, share that many.
func TestCapHoldsForNewThreads(t *testing.T) {
	if os.Getenv(envArenas) != "" {
		spawnAndPrintArenas(t)
		return
	}
	if environmentSetsCap() {
		t.Skip("MALLOC_ARENA_MAX or an arena_max tunable is set in this environment: it wins and the package sets no cap")
	}
	want := max(2, runtime.NumCPU())
	if got := Arenas(); got != want {
		t.Fatalf("Arenas() = %d, want %d (one a core, at least two)", got, want)
	}
	if err := arenaprobe.SpawnAllocators(allocatingThreads); err != nil {
		t.Fatal(err)
	}
	n, err := arenaprobe.Arenas()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d arenas after %d allocating threads, cap %d", n, allocatingThreads, want)
	if n > want {
		t.Errorf("%d arenas, want at most the cap %d", n, want)
	}
}

// TestThreadsMakeArenasWithoutTheCap runs the same threads in a child
// whose environment sets glibc's own cap high, so the package leaves it:
// they must make more arenas than the package's cap, or the test above
// proves nothing. It also checks that the environment's cap wins.
func TestThreadsMakeArenasWithoutTheCap(t *testing.T) {
	if os.Getenv(envArenas) != "" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCapHoldsForNewThreads$", "-test.v")
	cmd.Env = append(os.Environ(), envArenas+"=1", "GLIBC_TUNABLES=glibc.malloc.arena_max=64")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var n, set int = -1, -1
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "arenas" {
			n, _ = strconv.Atoi(f[1])
			set, _ = strconv.Atoi(f[2])
		}
	}
	if n < 0 {
		t.Fatalf("child printed no arena count:\n%s", out)
	}
	t.Logf("child with arena_max=64 in $GLIBC_TUNABLES: %d arenas after %d allocating threads", n, allocatingThreads)
	if set != 0 {
		t.Errorf("with arena_max in $GLIBC_TUNABLES the package set a cap of %d, want none", set)
	}
	if limit := max(2, runtime.NumCPU()); n <= limit {
		t.Errorf("without the cap %d threads made %d arenas, want more than %d", allocatingThreads, n, limit)
	}
}

// spawnAndPrintArenas is the child's part: spawn the threads, print the
// arena count and the cap the package set.
func spawnAndPrintArenas(t *testing.T) {
	if err := arenaprobe.SpawnAllocators(allocatingThreads); err != nil {
		t.Fatal(err)
	}
	n, err := arenaprobe.Arenas()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("arenas " + strconv.Itoa(n) + " " + strconv.Itoa(Arenas()) + "\n")
}
