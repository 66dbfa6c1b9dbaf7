package media

import (
	"fmt"
	"io"

	"facecase/internal/fsutil"

	"gocv.io/x/gocv"
)

// MaxImageFileSize is the largest photo file read into memory.
const MaxImageFileSize = 1 << 30

// LoadImage reads a photo read-only and decodes it to an 8-bit BGR Mat in
// the orientation the user sees (EXIF orientation applied). The caller closes
// the Mat. Errors wrap ErrEmptyFile, ErrUnsupportedFormat, ErrCorruptImage,
// ErrImageTooLarge or ErrNotRegularFile (a folder, pipe, device or socket,
// refused without reading it) and name the file, quoted when the name holds
// control characters.
func LoadImage(path string) (gocv.Mat, error) {
	data, err := readImageFile(path)
	if err != nil {
		return gocv.Mat{}, err
	}
	m, err := DecodeImage(data)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("load image %s: %w", fsutil.ShowPath(path), err)
	}
	return m, nil
}

func readImageFile(path string) ([]byte, error) {
	// Regular files only: a named pipe would block here and a device such
	// as /dev/zero would be read up to the size limit.
	f, err := fsutil.OpenRegular(path) // read-only: evidence is never written to
	if err != nil {
		return nil, fsutil.WrapPath("load image", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fsutil.WrapPath("load image", path, err)
	}
	if st.Size() > MaxImageFileSize {
		return nil, fmt.Errorf("load image %s: %w: file is %d bytes", fsutil.ShowPath(path), ErrImageTooLarge, st.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxImageFileSize+1))
	if err != nil {
		return nil, fsutil.WrapPath("load image", path, err)
	}
	return data, nil
}

// DecodeImage decodes an encoded photo (JPEG, PNG, BMP, TIFF, WebP) to an
// 8-bit BGR Mat, checking the header before decoding any pixel. Grey, alpha,
// 16-bit and CMYK images are converted; EXIF orientation is applied.
func DecodeImage(data []byte) (gocv.Mat, error) {
	hdr, err := readImageHeader(data)
	if err != nil {
		return gocv.Mat{}, err
	}
	// IMReadColor converts any depth and channel layout to 8-bit BGR and
	// applies the EXIF orientation tag.
	m, err := gocv.IMDecode(data, gocv.IMReadColor)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("%w: %s: %v", ErrCorruptImage, hdr.Format, err)
	}
	if m.Empty() {
		m.Close()
		return gocv.Mat{}, fmt.Errorf("%w: the %s decoder could not read it", ErrCorruptImage, hdr.Format)
	}
	if m.Type() != gocv.MatTypeCV8UC3 {
		m.Close()
		return gocv.Mat{}, fmt.Errorf("%w: decoder returned type %v", ErrCorruptImage, m.Type())
	}
	return m, nil
}
