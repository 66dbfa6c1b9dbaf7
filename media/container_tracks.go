package media

import (
	"encoding/binary"
	"errors"
	"io"

	"facecase/internal/fsutil"
)

// When FFmpeg cannot open a video container, the file is damaged, uses a
// codec we lack, or holds no video at all (an audio recording in an MP4,
// MOV, Matroska or WebM container). probeTracks tells the last case apart
// by reading the container's track list, so that the error can say "no
// video stream" instead of "damaged". It reads a bounded number of box or
// element headers and never decodes anything.

// trackKinds is what a container's track list holds.
type trackKinds struct {
	video, audio bool
}

// probeLimits bound the work on a hostile file.
const (
	maxProbeBoxes = 4096    // box or element headers read
	maxProbeHead  = 1 << 20 // Matroska bytes scanned for the track list
)

// probeTracks reads the track kinds of an MP4/MOV, Matroska/WebM or FLV
// file. ok is false when the track list cannot be found or read (a
// truncated file, another container).
func probeTracks(path, container string) (t trackKinds, ok bool) {
	f, err := fsutil.OpenRegular(path)
	if err != nil {
		return t, false
	}
	defer f.Close()
	switch container {
	case "mp4", "mov":
		return isoTracks(f)
	case "mkv", "webm":
		head := make([]byte, maxProbeHead)
		n, _ := io.ReadFull(f, head)
		return matroskaTracks(head[:n])
	case "flv":
		head := make([]byte, 5)
		if _, err := io.ReadFull(f, head); err != nil {
			return t, false
		}
		// FLV header flags: 0x04 audio present, 0x01 video present.
		return trackKinds{video: head[4]&0x01 != 0, audio: head[4]&0x04 != 0}, true
	}
	return t, false
}

// describe says what a container without video holds.
func (t trackKinds) describe(container string) string {
	name := map[string]string{"mp4": "an MP4", "mov": "a QuickTime (MOV)", "mkv": "a Matroska", "webm": "a WebM", "flv": "an FLV"}[container]
	if name == "" {
		name = "a " + container
	}
	if t.audio {
		return name + " file with sound only"
	}
	return name + " file with no video track"
}

// isoTracks walks the boxes of an ISO base media file to the handler
// ("hdlr") of every track in the movie box: "vide" is a video track,
// "soun" an audio track.
func isoTracks(r io.ReadSeeker) (t trackKinds, ok bool) {
	budget := maxProbeBoxes
	foundMoov := false
	var walk func(end int64, path string) error
	walk = func(end int64, path string) error {
		for {
			pos, err := r.Seek(0, io.SeekCurrent)
			if err != nil {
				return err
			}
			if end >= 0 && pos+8 > end {
				return nil
			}
			if budget--; budget < 0 {
				return errors.New("too many boxes")
			}
			typ, size, headerLen, err := readBoxHeader(r, pos, end)
			if err == io.EOF && end < 0 {
				return nil
			}
			if err != nil {
				return err
			}
			boxEnd := pos + size
			switch {
			case path == "" && typ == "moov":
				foundMoov = true
				if err := walk(boxEnd, "moov"); err != nil {
					return err
				}
			case path == "moov" && typ == "trak", path == "moov/trak" && typ == "mdia":
				if err := walk(boxEnd, path+"/"+typ); err != nil {
					return err
				}
			case path == "moov/trak/mdia" && typ == "hdlr":
				var h [12]byte // version and flags, pre_defined, handler_type
				if size-headerLen >= 12 {
					if _, err := io.ReadFull(r, h[:]); err != nil {
						return err
					}
					switch string(h[8:12]) {
					case "vide":
						t.video = true
					case "soun":
						t.audio = true
					}
				}
			}
			if _, err := r.Seek(boxEnd, io.SeekStart); err != nil {
				return err
			}
		}
	}
	if err := walk(-1, ""); err != nil || !foundMoov {
		return t, false
	}
	return t, true
}

// readBoxHeader reads the header of the ISO box at pos (the reader's
// position), which must lie within end (the enclosing box's end, or -1 for
// the file's): its type, its size (a size of 0 runs to end) and the
// header's length. io.EOF means no box starts at pos.
func readBoxHeader(r io.ReadSeeker, pos, end int64) (typ string, size, headerLen int64, err error) {
	var hdr [16]byte
	if _, err := io.ReadFull(r, hdr[:8]); err != nil {
		return "", 0, 0, err
	}
	size = int64(binary.BigEndian.Uint32(hdr[:4]))
	typ = string(hdr[4:8])
	headerLen = 8
	switch size {
	case 1: // 64-bit size follows
		if _, err := io.ReadFull(r, hdr[8:16]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF // a box did start
			}
			return "", 0, 0, err
		}
		size = int64(binary.BigEndian.Uint64(hdr[8:16]))
		headerLen = 16
	case 0: // to the end of the enclosing box or file
		if end < 0 {
			cur, _ := r.Seek(0, io.SeekCurrent)
			last, err := r.Seek(0, io.SeekEnd)
			if err != nil {
				return "", 0, 0, err
			}
			size = last - pos
			if _, err := r.Seek(cur, io.SeekStart); err != nil {
				return "", 0, 0, err
			}
		} else {
			size = end - pos
		}
	}
	if size < headerLen || (end >= 0 && pos+size > end) {
		return "", 0, 0, errors.New("bad box size")
	}
	return typ, size, headerLen, nil
}

// Matroska element IDs on the way to the track types.
const (
	ebmlSegment    = 0x18538067
	ebmlTracks     = 0x1654AE6B
	ebmlTrackEntry = 0xAE
	ebmlTrackType  = 0x83
	ebmlCluster    = 0x1F43B675
)

// matroskaTracks scans the start of a Matroska or WebM file for its track
// list: Segment > Tracks > TrackEntry > TrackType (1 video, 2 audio). The
// track list comes before the first Cluster of frames.
func matroskaTracks(b []byte) (t trackKinds, ok bool) {
	pos, budget, found := 0, maxProbeBoxes, false
	var walk func(end int, inTracks, inEntry bool) bool
	walk = func(end int, inTracks, inEntry bool) bool {
		for pos < end {
			if budget--; budget < 0 {
				return false
			}
			id, n := ebmlID(b[pos:end])
			if n == 0 {
				return false
			}
			pos += n
			size, m, unknown := ebmlSize(b[pos:end])
			if m == 0 {
				return false
			}
			pos += m
			elemEnd := end
			if !unknown {
				if size > uint64(end-pos) {
					elemEnd = end // cut by the scan window: read what is there
				} else {
					elemEnd = pos + int(size)
				}
			}
			switch {
			case id == ebmlSegment:
				return walk(elemEnd, false, false)
			case id == ebmlCluster:
				return found
			case id == ebmlTracks:
				found = true
				if !walk(elemEnd, true, false) {
					return false
				}
			case inTracks && id == ebmlTrackEntry:
				if !walk(elemEnd, true, true) {
					return false
				}
			case inEntry && id == ebmlTrackType:
				if elemEnd-pos == 1 {
					switch b[pos] {
					case 1:
						t.video = true
					case 2:
						t.audio = true
					}
				}
			case unknown:
				return found // an unknown-size element other than the segment
			}
			pos = elemEnd
		}
		return true
	}
	if !walk(len(b), false, false) || !found {
		return t, false
	}
	return t, true
}

// ebmlID reads an element ID (1 to 4 bytes, marker bits kept); n is 0
// when b does not start with one.
func ebmlID(b []byte) (id uint32, n int) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0
	}
	n = 1
	for mask := byte(0x80); b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > 4 || n > len(b) {
		return 0, 0
	}
	for _, c := range b[:n] {
		id = id<<8 | uint32(c)
	}
	return id, n
}

// ebmlSize reads an element size (1 to 8 bytes); unknown is true for the
// reserved all-ones value.
func ebmlSize(b []byte) (size uint64, n int, unknown bool) {
	if len(b) == 0 || b[0] == 0 {
		return 0, 0, false
	}
	n = 1
	mask := byte(0x80)
	for ; b[0]&mask == 0; mask >>= 1 {
		n++
	}
	if n > len(b) {
		return 0, 0, false
	}
	size = uint64(b[0] & (mask - 1))
	allOnes := size == uint64(mask-1)
	for _, c := range b[1:n] {
		size = size<<8 | uint64(c)
		allOnes = allOnes && c == 0xFF
	}
	return size, n, allOnes
}
