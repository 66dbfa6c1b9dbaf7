//go:build linux && cgo

package arenacap

/*
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

static int fc_arena_cap = 0;

// Runs when the program is loaded, before the Go runtime starts.
__attribute__((constructor)) static void fc_cap_arenas(void) {
	const char *tunables = getenv("GLIBC_TUNABLES");
	if (getenv("MALLOC_ARENA_MAX") != NULL || (tunables != NULL && strstr(tunables, "arena_max") != NULL)) {
		return;
	}
	int n = get_nprocs();
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
