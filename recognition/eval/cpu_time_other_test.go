//go:build !unix

package eval

import "time"

// processCPUTime is not measured on this system.
func processCPUTime() time.Duration { return -1 }
