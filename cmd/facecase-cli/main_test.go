package main

import (
	"fmt"
	"os"
	"testing"

	"facecase/internal/testenv"
)

// TestMain keeps what casefile remembers per user (checked cases, the
// receipt signing key and journal) in folders of the test run.
func TestMain(m *testing.M) {
	cleanup, err := testenv.IsolateUserDirs()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
