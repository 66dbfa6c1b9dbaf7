package casefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// syncDir flushes a folder's entries, so a file created or renamed in it
// survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// publishFile gives the finished temporary file tmp its final name target
// and makes that durable. Unless replace is set an existing target is never
// overwritten: the hard link fails atomically when target exists. On file
// systems without hard links it falls back to a checked rename.
func publishFile(tmp, target string, replace bool) error {
	if replace {
		if err := os.Rename(tmp, target); err != nil {
			return err
		}
		return syncDir(filepath.Dir(target))
	}
	err := os.Link(tmp, target)
	switch {
	case err == nil:
		if err := os.Remove(tmp); err != nil {
			return err
		}
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %w", target, ErrExists)
	default:
		if _, serr := os.Lstat(target); serr == nil {
			return fmt.Errorf("%s: %w", target, ErrExists)
		}
		if err := os.Rename(tmp, target); err != nil {
			return err
		}
	}
	return syncDir(filepath.Dir(target))
}

// refuseExisting fails with ErrExists when path exists.
func refuseExisting(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s: %w", path, ErrExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
