package dialogs

import (
	"testing"

	"facecase/ui/internal/uitest"
)

// TestMain serialises UI updates on Fyne's test driver, which runs them on
// the goroutines that post them.
func TestMain(m *testing.M) { uitest.Main(m) }
