package recognition

import "testing"

// detectOnlyEngine loads the default engine without its descriptor net
// (detection only) and closes it when the test ends.
func detectOnlyEngine(t testing.TB) *Engine {
	t.Helper()
	opts := DefaultOptions()
	opts.Descriptors = false
	e, err := NewEngine(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}
