package casefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// refuseOwnFiles refuses an export target that is the case file, its media
// folder or anything inside it, or an original evidence file, however it
// is named: through a relative path, a symbolic link (of the target or of
// a folder on the way) or a hard link. Force does not change this: the
// case and its evidence are never overwritten.
func (c *Case) refuseOwnFiles(target string) error {
	var evidence []Evidence
	if err := c.view(func(tx *bolt.Tx) (err error) {
		evidence, err = readAllEvidence(tx)
		return err
	}); err != nil {
		return err
	}
	names := targetNames(target)
	caseNames := targetNames(c.path)
	mediaNames := targetNames(c.MediaDir())
	for _, n := range names {
		for _, cn := range caseNames {
			if n == cn {
				return fmt.Errorf("%s: %w: it is the case file itself", target, ErrProtectedTarget)
			}
		}
		for _, m := range mediaNames {
			if within(n, m) {
				return fmt.Errorf("%s: %w: it is in the case's media folder %s, which holds the evidence copies", target, ErrProtectedTarget, c.MediaDir())
			}
		}
		for _, ev := range evidence {
			for _, en := range targetNames(ev.OriginalPath) {
				if n == en {
					return fmt.Errorf("%s: %w: it is the original of evidence %d (%s)", target, ErrProtectedTarget, ev.ID, ev.Name)
				}
			}
		}
	}
	st, err := os.Stat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	same := func(p string) bool {
		o, err := os.Stat(p)
		return err == nil && os.SameFile(st, o)
	}
	if same(c.path) {
		return fmt.Errorf("%s: %w: it is a link to the case file", target, ErrProtectedTarget)
	}
	for _, ev := range evidence {
		if same(ev.OriginalPath) || same(ev.WorkingPath(c.path)) {
			return fmt.Errorf("%s: %w: it is a link to the file of evidence %d (%s)", target, ErrProtectedTarget, ev.ID, ev.Name)
		}
	}
	return nil
}

// targetNames is the absolute path p, and the same path with symbolic
// links resolved: of p itself when it exists (a link to follow), else of
// the nearest folder above it that exists.
func targetNames(p string) []string {
	p = filepath.Clean(p)
	out := []string{p}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return append(out, r)
	}
	if dest, err := os.Readlink(p); err == nil { // a link to nothing yet
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		out = append(out, targetNames(dest)...)
	}
	rest := filepath.Base(p)
	for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return append(out, filepath.Join(r, rest))
		}
		if dir == filepath.Dir(dir) {
			return out
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// within reports whether p is folder dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
