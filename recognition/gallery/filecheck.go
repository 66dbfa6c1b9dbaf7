package gallery

import (
	"errors"
	"fmt"
	"os"

	"facecase/internal/boltmeta"
)

// checkFileSize refuses a gallery file that is shorter than its newest
// valid bbolt meta page says. bbolt maps the file into memory and would
// crash (SIGBUS) reading a page past the end, so this runs before opening
// (see internal/boltmeta, which the case files use too).
func checkFileSize(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	_, _, err = boltmeta.Read(f, st.Size())
	switch {
	case errors.Is(err, boltmeta.ErrNotBolt):
		return ErrNotGallery
	case errors.Is(err, boltmeta.ErrTruncated):
		return fmt.Errorf("%w: %w", ErrTruncated, err)
	case errors.Is(err, boltmeta.ErrNoValidMeta):
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}
