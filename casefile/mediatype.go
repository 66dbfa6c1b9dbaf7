package casefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// sniffMediaType names the media type of a file from its first bytes, and
// whether it is a photo, a video or something else. Only the content is
// looked at, never the file name.
func sniffMediaType(head []byte) (mediaType, kind string) {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", KindPhoto
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", KindPhoto
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "image/tiff", KindPhoto
	case bytes.HasPrefix(head, []byte("BM")) && len(head) > 14:
		return "image/bmp", KindPhoto
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "image/webp", KindPhoto
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "AVI ":
		return "video/x-msvideo", KindVideo
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		brand := string(head[8:12])
		switch {
		case strings.HasPrefix(brand, "qt"):
			return "video/quicktime", KindVideo
		case brand == "heic" || brand == "heix" || brand == "mif1":
			return "image/heic", KindPhoto
		}
		return "video/mp4", KindVideo
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "video/x-matroska", KindVideo
	case len(head) >= 189 && head[0] == 0x47 && head[188] == 0x47:
		return "video/mp2t", KindVideo
	case bytes.HasPrefix(head, []byte{0x00, 0x00, 0x01, 0xBA}):
		return "video/mpeg", KindVideo
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "image/gif", KindPhoto
	case bytes.HasPrefix(head, []byte("OggS\x00")):
		return "video/ogg", KindVideo
	case bytes.HasPrefix(head, []byte{0x00, 0x00, 0x01, 0x00}):
		return "image/x-icon", KindPhoto
	case looksLikeText(head):
		return "text/plain; charset=utf-8", KindOther
	}
	return "application/octet-stream", KindOther
}

// looksLikeText reports whether head is valid UTF-8 without control
// characters other than white space (the test WHATWG's sniffing makes for
// "text/plain").
func looksLikeText(head []byte) bool {
	if len(head) == 0 || !utf8.Valid(trimPartialRune(head)) {
		return false
	}
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' {
			return false
		}
	}
	return true
}

// trimPartialRune drops a multi-byte character cut off at the end of head.
func trimPartialRune(head []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(head); i++ {
		if utf8.RuneStart(head[len(head)-i]) {
			if !utf8.FullRune(head[len(head)-i:]) {
				return head[:len(head)-i]
			}
			break
		}
	}
	return head
}

// sniffHead is how much of a file SniffFile reads: enough for every
// signature sniffMediaType knows.
const sniffHead = 512

// SniffFile names the media type and kind (KindPhoto, KindVideo or
// KindOther) of a regular file from its first bytes, as AddEvidence will:
// intake uses it to leave files that are neither photo nor video out of a
// case.
func SniffFile(path string) (mediaType, kind string, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", "", err
	}
	if !st.Mode().IsRegular() {
		return "", "", fmt.Errorf("%s: %w: not a regular file", path, ErrInvalid)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	head := make([]byte, sniffHead)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", "", err
	}
	mediaType, kind = sniffMediaType(head[:n])
	return mediaType, kind, nil
}
