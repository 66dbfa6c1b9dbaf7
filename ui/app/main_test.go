package app

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestMain keeps what casefile remembers per user (checked cases, the
// receipt signing key) in folders of the test run, not the user's.
func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "facecase-app-test-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(tmp, "config"))
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}
