package app

import (
	"encoding/json"
	"os/user"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"facecase/facedata"
	"facecase/ui/session"
	"facecase/ui/views"
)

// Preference keys.
const (
	prefReviewer  = "reviewer"
	prefDetector  = "detector"
	prefSearchFMR = "search_fmr"
	prefVerifyFMR = "verify_fmr"
	prefRecent    = "recent_cases"
	maxRecent     = 12
)

// loadSettings reads the user's settings; the reviewer defaults to the
// name of the account running the app, the detector to the default when
// the stored one is not (or no longer) a detector.
func loadSettings(p fyne.Preferences) session.Settings {
	s := session.DefaultSettings()
	if d, err := facedata.ParseDetectorName(p.String(prefDetector)); err == nil {
		s.Detector = d
	}
	s.SearchFMR = p.FloatWithFallback(prefSearchFMR, s.SearchFMR)
	s.VerifyFMR = p.FloatWithFallback(prefVerifyFMR, s.VerifyFMR)
	s.Reviewer = p.StringWithFallback(prefReviewer, accountName())
	return s
}

func saveSettings(p fyne.Preferences, s session.Settings) {
	p.SetString(prefDetector, string(s.Detector))
	p.SetFloat(prefSearchFMR, s.SearchFMR)
	p.SetFloat(prefVerifyFMR, s.VerifyFMR)
	p.SetString(prefReviewer, s.Reviewer)
}

// accountName is the full name of the user account, or its login name.
func accountName() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	if n := strings.TrimSpace(strings.Split(u.Name, ",")[0]); n != "" {
		return n
	}
	return u.Username
}

// recentCase is how a recent case is stored.
type recentCase struct {
	Path   string    `json:"path"`
	Number string    `json:"number"`
	Title  string    `json:"title"`
	Opened time.Time `json:"opened"`
}

func loadRecent(p fyne.Preferences) []views.RecentCase {
	var stored []recentCase
	if err := json.Unmarshal([]byte(p.String(prefRecent)), &stored); err != nil {
		return nil
	}
	out := make([]views.RecentCase, len(stored))
	for i, r := range stored {
		out[i] = views.RecentCase{Path: r.Path, Number: r.Number, Title: r.Title, Opened: r.Opened}
	}
	return out
}

// addRecent puts a case first in the recent list.
func addRecent(p fyne.Preferences, rc views.RecentCase) {
	list := []recentCase{{Path: rc.Path, Number: rc.Number, Title: rc.Title, Opened: rc.Opened}}
	for _, r := range loadRecent(p) {
		if r.Path != rc.Path && len(list) < maxRecent {
			list = append(list, recentCase{Path: r.Path, Number: r.Number, Title: r.Title, Opened: r.Opened})
		}
	}
	raw, err := json.Marshal(list)
	if err == nil {
		p.SetString(prefRecent, string(raw))
	}
}
