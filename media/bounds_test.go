package media

import (
	"context"
	"testing"
	"time"
)

// testBound is the longest any wait in this package's tests may last. It
// is a safety net, never a measurement: each wait it guards ends as soon as
// its condition holds, so a machine whose cores are busy elsewhere only
// makes the tests slower, not fail. When it runs out, the test fails and
// says what it was waiting for.
const testBound = 60 * time.Second

// within runs f on another goroutine and fails the test when it has not
// returned within testBound (a hang becomes a message, not the test
// binary's timeout).
func within(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(testBound):
		t.Fatalf("%s still running after %v", what, testBound)
		return nil
	}
}

// waitUntil polls cond until it holds, failing the test with what after
// testBound.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s after %v", what, testBound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// boundedContext is cancelled after testBound, and when the test ends.
func boundedContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testBound)
	t.Cleanup(cancel)
	return ctx
}
