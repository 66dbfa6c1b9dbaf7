package session

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"facecase/casefile"
)

// ErrNoPurpose: a case is created only with the purpose of its searches,
// which every search is logged with.
var ErrNoPurpose = errors.New("a case needs the purpose of its searches")

// Session is one open case in the app.
type Session struct {
	*casefile.Case

	engines  *Engines
	settings Settings

	// settingsMu orders settings changes, so their audit entries follow
	// the order they took effect in.
	settingsMu sync.Mutex

	mu     sync.Mutex
	status map[uint64]ItemStatus // analysis in this run, by evidence id
	thumbs map[uint64]thumbEntry
	// lastKind is the kind of the last item analysed since the engines'
	// working memory was last handed back ("": none).
	lastKind string
}

// Open opens an existing case for the reviewer named in settings. A case
// the check on open finds damaged is opened read-only; Damage names what
// is wrong.
func Open(path string, engines *Engines, settings Settings) (*Session, error) {
	settings = settings.withDefaults()
	if strings.TrimSpace(settings.Reviewer) == "" {
		return nil, fmt.Errorf("open case %s: %w (set your name in Settings)", path, casefile.ErrNoActor)
	}
	c, err := casefile.Open(path, casefile.Options{Actor: settings.Reviewer, MediaCheck: casefile.MediaCheckPresence, ReadOnlyIfDamaged: true})
	if err != nil {
		return nil, err
	}
	return newSession(c, engines, settings), nil
}

// Create makes a new case file and opens it; the reviewer named in
// settings (or, when none is set, the investigator) is the actor.
func Create(path string, info casefile.CaseInfo, engines *Engines, settings Settings) (*Session, error) {
	settings = settings.withDefaults()
	if strings.TrimSpace(info.Purpose) == "" {
		return nil, fmt.Errorf("create case %s: %w", path, ErrNoPurpose)
	}
	c, err := casefile.Create(path, info)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(settings.Reviewer) == "" || settings.Reviewer == info.Investigator {
		settings.Reviewer = info.Investigator
		return newSession(c, engines, settings), nil
	}
	if err := c.Close(); err != nil {
		return nil, fmt.Errorf("create case %s: %w", path, err)
	}
	return Open(path, engines, settings)
}

func newSession(c *casefile.Case, engines *Engines, settings Settings) *Session {
	return &Session{Case: c, engines: engines, settings: settings,
		status: map[uint64]ItemStatus{}, thumbs: map[uint64]thumbEntry{}}
}

// UserSettings are the settings the session runs with (the case's own
// rules are casefile's Settings).
func (s *Session) UserSettings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// SetUserSettings changes the detectors and operating points used from
// now on. Operating points outside the cohort's calibrated range are
// refused (CheckSettings) and nothing changes; a change of detector or
// operating point is written to the case's audit log. The reviewer (the
// case's actor) changes only when the case is opened again.
func (s *Session) SetUserSettings(st Settings) error {
	st = st.withDefaults()
	if err := CheckSettings(st); err != nil {
		return err
	}
	s.settingsMu.Lock()
	defer s.settingsMu.Unlock()
	old := s.UserSettings()
	st.Reviewer = old.Reviewer
	if err := s.auditSettings(old, st); err != nil {
		return fmt.Errorf("change settings: %w", err)
	}
	s.mu.Lock()
	s.settings = st
	s.mu.Unlock()
	return nil
}
