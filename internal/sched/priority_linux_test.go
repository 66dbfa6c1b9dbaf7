package sched

import (
	"os"
	"runtime"
	"syscall"
	"testing"
)

func TestLowerBackgroundThreadsLeavesMainThread(t *testing.T) {
	// A thread of our own, held by a locked goroutine, stands in for a
	// scan worker. A locked goroutine may land on the main thread itself
	// (nothing holds it in a test binary), so start them until one does not.
	var releases []chan struct{}
	defer func() {
		for _, r := range releases {
			close(r)
		}
	}()
	worker := os.Getpid()
	for i := 0; i < 8 && worker == os.Getpid(); i++ {
		tidc, release := make(chan int), make(chan struct{})
		releases = append(releases, release)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			tidc <- syscall.Gettid()
			<-release
		}()
		worker = <-tidc
	}
	if worker == os.Getpid() {
		t.Fatal("could not start a thread apart from the main one")
	}

	mainBefore, err := threadNice(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LowerBackgroundThreads(BackgroundNice); err != nil {
		t.Fatal(err)
	}
	got, err := threadNice(worker)
	if err != nil {
		t.Fatal(err)
	}
	if got < BackgroundNice {
		t.Errorf("worker thread nice = %d, want at least %d", got, BackgroundNice)
	}
	mainAfter, err := threadNice(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if mainAfter != mainBefore {
		t.Errorf("main thread nice changed from %d to %d", mainBefore, mainAfter)
	}
	// A second pass finds nothing left to change on that thread and
	// never lowers a value.
	if _, err := LowerBackgroundThreads(BackgroundNice - 5); err != nil {
		t.Fatal(err)
	}
	if again, _ := threadNice(worker); again != got {
		t.Errorf("second pass moved nice from %d to %d", got, again)
	}
}
