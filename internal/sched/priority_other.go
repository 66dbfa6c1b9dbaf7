//go:build !linux

package sched

import (
	"context"
	"time"
)

// BackgroundNice is the nice value given to background threads on Linux.
const BackgroundNice = 10

// LowerBackgroundThreads does nothing on this system.
func LowerBackgroundThreads(nice int) (int, error) { return 0, nil }

// KeepBackgroundThreadsLow does nothing on this system.
func KeepBackgroundThreadsLow(ctx context.Context, interval time.Duration) {}
