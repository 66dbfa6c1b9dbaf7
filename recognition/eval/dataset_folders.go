package eval

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ReadFolders reads a dataset laid out as a folder per identity:
// ROOT/<identity>/*.jpg (images in sub-folders of an identity folder belong
// to that identity). Images directly in ROOT, non-image files and empty
// identity folders are skipped and counted; hidden files are ignored.
func ReadFolders(root string) (*Dataset, error) {
	d := &Dataset{Source: root, Kind: KindFolders, Skipped: NewSkipped()}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("read dataset folder %s: %w", root, err)
	}
	for _, e := range entries {
		if isHidden(e.Name()) {
			continue
		}
		p := filepath.Join(root, e.Name())
		if !e.IsDir() {
			if isImageName(e.Name()) {
				d.Skipped.Add(SkipOutsideIdentity, e.Name())
			}
			continue
		}
		if err := d.readIdentityFolder(root, p, e.Name()); err != nil {
			return nil, err
		}
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Dataset) readIdentityFolder(root, dir, identity string) error {
	found := 0
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read identity folder %s: %w", dir, err)
		}
		if p != dir && isHidden(e.Name()) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		if !isImageName(e.Name()) {
			d.Skipped.Add(SkipNotImage, relPath(root, p))
			return nil
		}
		found++
		d.Samples = append(d.Samples, Sample{Path: p, Rel: relPath(root, p), Identity: identity})
		return nil
	})
	if err != nil {
		return err
	}
	if found == 0 {
		d.Skipped.Add(SkipEmptyFolder, identity)
	}
	return nil
}
