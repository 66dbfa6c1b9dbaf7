//go:build unix

package eval

import (
	"syscall"
	"time"
)

// processCPUTime is the user plus system CPU time of the process so far:
// benchmarks report it next to wall time, which on a shared machine says
// more about the work than the wall time does.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
