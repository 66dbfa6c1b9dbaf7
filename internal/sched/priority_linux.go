package sched

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// BackgroundNice is the nice value given to background threads: low enough
// that the interface thread (nice 0) wins a contended core nine times in
// ten, high enough that background work still runs at full speed when the
// interface is idle.
const BackgroundNice = 10

// LowerBackgroundThreads sets the nice value of every thread of this
// process except the main thread to at least nice, skipping threads whose
// name differs from the main thread's (threads named by a library, such as
// Mesa's renderers, work for the interface). It returns how many threads
// it changed. Unprivileged processes can raise a nice value but never
// lower it again, so this is a one-way step.
func LowerBackgroundThreads(nice int) (int, error) {
	pid := os.Getpid()
	mainName, err := threadName(pid, pid)
	if err != nil {
		return 0, fmt.Errorf("lower background threads: %w", err)
	}
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0, fmt.Errorf("lower background threads: %w", err)
	}
	changed := 0
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil || tid == pid {
			continue
		}
		name, err := threadName(pid, tid)
		if err != nil || name != mainName {
			continue // gone already, or a library's own thread
		}
		cur, err := threadNice(tid)
		if err != nil || cur >= nice {
			continue
		}
		if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice); err != nil {
			continue // the thread ended in between
		}
		changed++
	}
	return changed, nil
}

// KeepBackgroundThreadsLow calls LowerBackgroundThreads every interval
// until ctx ends, so that threads started later (the Go runtime and OpenCV
// start them as work grows) are lowered too.
func KeepBackgroundThreadsLow(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		_, _ = LowerBackgroundThreads(BackgroundNice)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func threadName(pid, tid int) (string, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "task", strconv.Itoa(tid), "comm"))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// threadNice reads a thread's nice value. The raw getpriority system call
// returns 20-nice so that it never looks like an error.
func threadNice(tid int) (int, error) {
	p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid)
	if err != nil {
		return 0, err
	}
	return 20 - p, nil
}
