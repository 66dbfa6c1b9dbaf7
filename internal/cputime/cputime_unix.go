//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Process is the user plus system CPU time of the process so far
// (-1 when it cannot be read). Benchmarks report it next to wall time,
// which on a shared machine says more about the work than wall time does.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
