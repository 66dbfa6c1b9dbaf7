package casefile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"facecase/internal/fsutil"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultLockTimeout is how long Open waits for another window or process
// to let go of a case before it reports ErrOpenElsewhere.
const DefaultLockTimeout = time.Second

// MediaCheck says how Open re-verifies the evidence files.
type MediaCheck int

const (
	// MediaCheckHash re-hashes every evidence file (SHA-256) and flags
	// changed or missing ones. It is the default.
	MediaCheckHash MediaCheck = iota
	// MediaCheckPresence only checks that each file exists with its
	// recorded size (Verify re-hashes them later).
	MediaCheckPresence
	// MediaCheckNone skips the check.
	MediaCheckNone
)

// Options control how a case is opened.
type Options struct {
	// ReadOnly opens for review: nothing can be changed, and several
	// readers may have the case open at once.
	ReadOnly bool
	// Actor is who works on the case; required unless ReadOnly.
	Actor string
	// LockTimeout bounds the wait for another holder of the case;
	// 0 means DefaultLockTimeout.
	LockTimeout time.Duration
	// MediaCheck chooses how evidence files are re-verified on open.
	MediaCheck MediaCheck
	// ReadOnlyIfDamaged opens a case the check on open finds damaged
	// read-only, with Damage naming what is wrong, instead of failing
	// with a *DamageError (the desktop app shows it that way).
	ReadOnlyIfDamaged bool
}

// Open opens an existing case file. It never creates, truncates or
// rewrites a file it does not recognise: a missing file is an
// fs.ErrNotExist error, a file that is not a case ErrNotACase, a damaged
// one ErrCorrupt, a newer format ErrNewerFormat, a case held by another
// window or process ErrOpenElsewhere, a broken audit chain ErrTampered
// (a *ChainError naming the entry). Every open checks the case (see
// Case.Damage): a damaged case is never written to, and opening one for
// writing fails with a *DamageError (ErrDamaged) unless
// Options.ReadOnlyIfDamaged opens it read-only. Opening for writing
// records an "open" audit entry, with any evidence file that failed the
// media check.
func Open(path string, opts Options) (*Case, error) {
	p, err := absPath(path)
	if err != nil {
		return nil, err
	}
	c, err := open(p, opts)
	if err != nil {
		return nil, fmt.Errorf("open case %s: %w", p, err)
	}
	return c, nil
}

func open(p string, opts Options) (*Case, error) {
	opts.Actor = strings.TrimSpace(opts.Actor)
	if !opts.ReadOnly && opts.Actor == "" {
		return nil, ErrNoActor
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if err := checkFile(p); err != nil {
		return nil, err
	}
	// Look at the file read-only first: nothing of a file that turns out
	// not to be a case, or a case from a newer version, gets written.
	db, err := openBolt(p, true, opts.LockTimeout)
	if err != nil {
		return nil, err
	}
	c := &Case{path: p, db: db, readOnly: true, actor: opts.Actor, now: func() time.Time { return time.Now().UTC() }}
	version, head, evidence, err := c.readOnOpen()
	if err == nil {
		opts.ReadOnly, err = c.checkOnOpenOnce(version, head, opts)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	c.checks = checkEvidenceFiles(context.Background(), evidence, p, c.importInfo, opts.MediaCheck, nil)
	if opts.ReadOnly {
		return c, nil
	}
	if err := c.reopenForWriting(opts.LockTimeout); err != nil {
		return nil, err
	}
	cleanIntakeTemps(c.MediaDir())
	return c, nil
}

// readOnOpen reads what opening needs from the case, open read-only: its
// format version, import record, audit chain (walked to its head) and
// evidence.
func (c *Case) readOnOpen() (version int, head AuditHead, evidence []Evidence, err error) {
	err = c.view(func(tx *bolt.Tx) error {
		if version, err = checkFormat(tx); err != nil {
			return err
		}
		if c.importInfo, err = readImportInfo(tx); err != nil {
			return err
		}
		c.imported = c.importInfo != nil
		if head, err = walkAudit(tx, nil); err != nil {
			return err
		}
		evidence, err = readAllEvidence(tx)
		return err
	})
	return version, head, evidence, err
}

// checkOnOpenOnce checks the case for damage unless a case with the same
// audit head was found sound before, and says whether it must stay
// read-only: when asked, when damaged (if opts allow that; else the
// error is a DamageError). An imported review copy opened for writing and
// a case of an older format opened read-only are refused.
func (c *Case) checkOnOpenOnce(version int, head AuditHead, opts Options) (readOnly bool, err error) {
	cache := defaultVerifiedCache()
	if !cache.sound(c.path, head) {
		c.damage = c.checkOnOpen()
	}
	readOnly = opts.ReadOnly
	switch {
	case len(c.damage) > 0:
		cache.forget(c.path)
		if !opts.ReadOnly && !opts.ReadOnlyIfDamaged {
			return false, &DamageError{Problems: c.damage}
		}
		readOnly = true
	case opts.ReadOnly:
		cache.remember(c.path, head)
	default:
		c.sound = true // remembered at Close, after this handle's writes
	}
	if !readOnly && c.imported {
		return false, fmt.Errorf("%w: it is a review copy imported from an export bundle; open it read-only", ErrReadOnly)
	}
	if readOnly && version < FormatVersion {
		return false, fmt.Errorf("case format %d must be upgraded to %d: open it once for writing", version, FormatVersion)
	}
	return readOnly, nil
}

// reopenForWriting closes the read-only handle and opens the case for
// writing, migrating an older format and recording the open in the audit
// log.
func (c *Case) reopenForWriting(lockTimeout time.Duration) error {
	if err := c.db.Close(); err != nil {
		return err
	}
	var err error
	if c.db, err = openBolt(c.path, false, lockTimeout); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("%w (the case file is read-only here: open it read-only to review it)", err)
		}
		return err
	}
	c.readOnly = false
	err = c.update(func(tx *bolt.Tx) error {
		v, err := checkFormat(tx) // the file may have changed between the two opens
		if err != nil {
			return err
		}
		if v < FormatVersion {
			if err := migrate(tx, v); err != nil {
				return err
			}
			if _, err := appendAudit(tx, c.now(), c.actor, ActionMigrate, map[string]int{"from": v, "to": FormatVersion}, nil); err != nil {
				return err
			}
		}
		_, err = appendAudit(tx, c.now(), c.actor, ActionOpen, openDetails(c.checks), nil)
		return err
	})
	if err != nil {
		c.db.Close()
		return err
	}
	return nil
}

// checkFile refuses what is plainly not a case before bbolt sees it: bbolt
// would turn an empty file into a new database, and fault on a truncated one.
func checkFile(p string) error {
	f, err := fsutil.OpenRegular(p) // a named pipe would block here, a device never ends
	if errors.Is(err, fsutil.ErrNotRegular) {
		return fmt.Errorf("%w: %w", ErrNotACase, err)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%w: is a folder", ErrNotACase)
	}
	return checkRawFile(f, st.Size())
}

// openBolt opens the bbolt file and maps bbolt's errors to ours.
func openBolt(p string, readOnly bool, timeout time.Duration) (*bolt.DB, error) {
	var db *bolt.DB
	err := guard(func() (err error) {
		db, err = bolt.Open(p, 0o600, &bolt.Options{
			Timeout:      timeout,
			ReadOnly:     readOnly,
			FreelistType: bolt.FreelistMapType,
		})
		return err
	})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, ErrOpenElsewhere
	case errors.Is(err, berrors.ErrInvalid):
		return nil, fmt.Errorf("%w: %v", ErrNotACase, err)
	case errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return nil, err
}

// openDetails lists the evidence files that failed the media check.
func openDetails(checks []EvidenceCheck) any {
	var bad []EvidenceCheck
	for _, ch := range checks {
		if ch.State == EvidenceMissing || ch.State == EvidenceChanged {
			bad = append(bad, ch)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return map[string]any{"evidence_problems": bad}
}
