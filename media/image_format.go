package media

import (
	"bytes"
	"fmt"
)

// ImageFormat is a photo format recognised by its content.
type ImageFormat string

// Formats OpenCV 4.6 decodes for us.
const (
	FormatJPEG ImageFormat = "jpeg"
	FormatPNG  ImageFormat = "png"
	FormatBMP  ImageFormat = "bmp"
	FormatTIFF ImageFormat = "tiff"
	FormatWebP ImageFormat = "webp"
)

// SniffImageFormat recognises an image format from the first bytes of a
// file. When the content is not a supported image it returns
// ErrUnsupportedFormat with a guess at what the content is.
func SniffImageFormat(head []byte) (ImageFormat, error) {
	switch {
	case len(head) == 0:
		return "", ErrEmptyFile
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG, nil
	case bytes.HasPrefix(head, []byte("BM")) && len(head) >= 26:
		return FormatBMP, nil
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return FormatTIFF, nil
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return FormatWebP, nil
	}
	if f := isoImageFormat(head); f != "" {
		return "", unsupportedFormat(f)
	}
	return "", fmt.Errorf("%w (content looks like %s)", ErrUnsupportedFormat, describeContent(head))
}

// describeContent names common non-image contents for error messages.
func describeContent(head []byte) string {
	if a := sniffAudio(head); a != "" {
		return a
	}
	switch {
	case len(head) >= 8 && bytes.Equal(head[4:8], []byte("ftyp")):
		return "an MP4/MOV video"
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "a Matroska/WebM video"
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("AVI ")):
		return "an AVI video"
	case bytes.HasPrefix(head, []byte("GIF8")):
		return "a GIF image, which OpenCV 4.6 does not read"
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "a PDF document"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a ZIP archive"
	case isMostlyText(head):
		return "text"
	}
	return "unknown binary data"
}

func isMostlyText(b []byte) bool {
	if len(b) > 512 {
		b = b[:512]
	}
	printable := 0
	for _, c := range b {
		if c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7F) || c >= 0x80 {
			printable++
		}
	}
	return len(b) > 0 && printable*10 >= len(b)*9
}
