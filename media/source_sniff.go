package media

import (
	"bytes"
	"encoding/binary"
)

// sniffHeadSize is how many leading bytes identify a file.
const sniffHeadSize = 512

// sniffVideo recognises the video containers FFmpeg reads for us from the
// first bytes of a file, and returns their name ("" when none matches).
func sniffVideo(head []byte) string {
	switch {
	case len(head) >= 12 && bytes.Equal(head[4:8], []byte("ftyp")):
		if bytes.Equal(head[8:12], []byte("qt  ")) {
			return "mov"
		}
		return "mp4"
	case len(head) >= 8 && isQuickTimeAtom(head):
		return "mov"
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		if bytes.Contains(head, []byte("webm")) {
			return "webm"
		}
		return "mkv"
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("AVI ")):
		return "avi"
	case len(head) > 376 && head[0] == 0x47 && head[188] == 0x47 && head[376] == 0x47:
		return "mpegts"
	case bytes.HasPrefix(head, []byte{0x00, 0x00, 0x01, 0xBA}):
		return "mpegps"
	case bytes.HasPrefix(head, []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11}):
		return "asf"
	case bytes.HasPrefix(head, []byte("FLV\x01")):
		return "flv"
	}
	return ""
}

// isQuickTimeAtom recognises old QuickTime files that start with a movie
// atom instead of ftyp.
func isQuickTimeAtom(head []byte) bool {
	size := binary.BigEndian.Uint32(head[:4])
	if size < 8 {
		return false
	}
	switch string(head[4:8]) {
	case "moov", "mdat", "wide", "free", "skip", "pnot":
		return true
	}
	return false
}
