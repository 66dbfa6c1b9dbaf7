package app

import (
	"testing"

	"facecase/internal/testenv"
	"facecase/ui/async"
)

// TestMain keeps what casefile remembers per user (checked cases, the
// receipt signing key and journal) in folders of the test run, and
// serialises UI updates on Fyne's test driver.
func TestMain(m *testing.M) {
	async.SerialiseForTests()
	testenv.RunIsolated(m)
}
