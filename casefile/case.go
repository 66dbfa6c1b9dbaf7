package casefile

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Extension is the file name ending of case files.
const Extension = ".facecase"

// Case is an open case file. It is safe for concurrent use; Close it when
// done so the next window or process can open it.
type Case struct {
	path     string
	db       *bolt.DB
	readOnly bool
	imported bool
	// importInfo is the import record of an imported review copy.
	importInfo *ImportInfo
	actor      string
	now        func() time.Time

	mu       sync.Mutex
	failed   error           // set when a commit failed; no more writes
	checks   []EvidenceCheck // result of the media check on open
	damage   []Problem       // what the check on open found (read-only then)
	sound    bool            // checked sound on open and opened for writing
	exportMu sync.Mutex      // one export at a time

	scorerMu sync.Mutex
	scorer   *watchlistScorer // the last watchlist's scorer, by version
}

// Path is the case file's absolute path.
func (c *Case) Path() string { return c.path }

// ReadOnly reports whether the case cannot be changed through this handle.
func (c *Case) ReadOnly() bool { return c.readOnly }

// Imported reports whether the case is a review copy imported from an
// export bundle (such a case is always opened read-only).
func (c *Case) Imported() bool { return c.imported }

// Actor is the name every change through this handle is recorded under.
func (c *Case) Actor() string { return c.actor }

// MediaDir is the folder next to the case file where evidence copies are
// kept: NAME.media for NAME.facecase.
func (c *Case) MediaDir() string { return MediaDirFor(c.path) }

// MediaDirFor is the media folder of the case file at path.
func MediaDirFor(path string) string {
	return strings.TrimSuffix(path, Extension) + ".media"
}

// Close releases the case file and its lock. A case that was sound when
// opened for writing, and whose writes all succeeded, is remembered as
// sound as it is now, so the next open need not check it in full.
func (c *Case) Close() error {
	if c.db == nil {
		return nil
	}
	var head AuditHead
	remember := c.sound && c.writeFailure() == nil
	if remember {
		var err error
		head, err = c.AuditHead()
		remember = err == nil
	}
	err := c.db.Close()
	c.db = nil
	if err != nil {
		return fmt.Errorf("close case %s: %w", c.path, err)
	}
	if remember {
		defaultVerifiedCache().remember(c.path, head)
	}
	return nil
}

// view runs fn in a read transaction. A damaged file can make bbolt panic
// or fault on a bad page; that becomes an ErrCorrupt error instead of a
// crash (bbolt rolls the transaction back as the panic unwinds).
func (c *Case) view(fn func(tx *bolt.Tx) error) error {
	if c.db == nil {
		return fmt.Errorf("case %s is closed", c.path)
	}
	return guard(func() error { return c.db.View(fn) })
}

// update runs fn in a write transaction, after checking that the case may
// be written. If the commit itself fails (disk full, I/O error) the case
// refuses further writes: what is on disk is the last acknowledged state,
// and reopening starts from exactly that.
func (c *Case) update(fn func(tx *bolt.Tx) error) error {
	if c.db == nil {
		return fmt.Errorf("case %s is closed", c.path)
	}
	if c.readOnly {
		return fmt.Errorf("case %s: %w", c.path, ErrReadOnly)
	}
	if err := c.writeFailure(); err != nil {
		return err
	}
	var fnErr error
	err := guard(func() error {
		return c.db.Update(func(tx *bolt.Tx) error {
			fnErr = fn(tx)
			return fnErr
		})
	})
	if err != nil && (fnErr == nil || errors.Is(err, ErrCorrupt)) {
		c.mu.Lock()
		if c.failed == nil {
			c.failed = err
		}
		c.mu.Unlock()
		return fmt.Errorf("write case %s: %w", c.path, asDiskFull(err))
	}
	return err
}

func (c *Case) writeFailure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failed != nil {
		return fmt.Errorf("case %s: %w (%v)", c.path, ErrWriteFailed, c.failed)
	}
	return nil
}

// guard turns a panic or memory fault inside fn into an ErrCorrupt error.
func guard(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	return fn()
}

func absPath(path string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("%w: empty case path", ErrInvalid)
	}
	p, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("case path %s: %w", path, err)
	}
	return p, nil
}
