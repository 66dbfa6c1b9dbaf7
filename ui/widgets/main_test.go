package widgets

import (
	"os"
	"testing"

	"facecase/ui/async"
)

// TestMain serialises UI updates on Fyne's test driver, which runs them on
// the goroutines that post them.
func TestMain(m *testing.M) {
	async.SerialiseForTests()
	os.Exit(m.Run())
}
