package app

import (
	"testing"

	"facecase/internal/testenv"
)

// TestMain keeps what casefile remembers per user (checked cases, the
// receipt signing key and journal) in folders of the test run.
func TestMain(m *testing.M) { testenv.RunIsolated(m) }
