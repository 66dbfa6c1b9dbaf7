//go:build linux && cgo

package arenacap

/*
#define _GNU_SOURCE
#include <malloc.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static int fc_arena_cap = 0;

// Runs when the program is loaded, before the Go runtime starts.
__attribute__((constructor)) static void fc_cap_arenas(void) {
	const char *tunables = getenv("GLIBC_TUNABLES");
	if (getenv("MALLOC_ARENA_MAX") != NULL || (tunables != NULL && strstr(tunables, "arena_max") != NULL)) {
		return;
	}
	// The processors this process may run on, as Go's runtime.NumCPU
	// counts them.
	cpu_set_t set;
	int n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 2;
	if (n < 2) {
		n = 2;
	}
	if (mallopt(M_ARENA_MAX, n) == 1) {
		fc_arena_cap = n;
	}
}

static int fc_arenas(void) { return fc_arena_cap; }
*/
import "C"

// Arenas reports the arena cap set as the program started: one a core, at
// least two; 0 when the environment set its own or glibc refused.
func Arenas() int { return int(C.fc_arenas()) }
