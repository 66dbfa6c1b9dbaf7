package async

import (
	"os"
	"testing"
)

// TestMain serialises updates as every UI package's tests do: on Fyne's
// test driver the probe sees a running update only through the lock.
func TestMain(m *testing.M) {
	SerialiseForTests()
	os.Exit(m.Run())
}
