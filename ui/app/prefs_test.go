package app

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"facecase/facedata"
	"facecase/ui/session"
)

// TestStoredDetectorIsChecked: a detector saved in the preferences comes
// back; a name that is not (or no longer) a detector gives the default.
func TestStoredDetectorIsChecked(t *testing.T) {
	p := test.NewTempApp(t).Preferences()
	s := session.DefaultSettings()
	s.Detector = facedata.Haar
	saveSettings(p, s)
	if got := loadSettings(p).Detector; got != facedata.Haar {
		t.Errorf("saved haar, loaded %q", got)
	}
	p.SetString(prefDetector, "retired-detector")
	if got := loadSettings(p).Detector; got != session.DefaultSettings().Detector {
		t.Errorf("stored an unknown detector, loaded %q, want the default", got)
	}
}
