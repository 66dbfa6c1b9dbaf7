package media

import (
	"bytes"
	"encoding/binary"
)

// Recognising what we do not read, so that the error says what the file is
// instead of calling a valid file damaged: photos in ISO-BMFF containers
// (HEIC, AVIF), which look like MP4 videos to a naive check, and audio
// recordings, which have no picture at all.

// unsupportedFormat is a photo format recognised by its content that
// OpenCV 4.6 does not decode. It matches ErrUnsupported and
// ErrUnsupportedFormat.
type unsupportedFormat string

func (f unsupportedFormat) Error() string {
	return "format not supported (" + string(f) + "): OpenCV 4.6 does not decode it; convert the photo to JPEG or PNG"
}

func (f unsupportedFormat) Unwrap() []error { return []error{ErrUnsupported, ErrUnsupportedFormat} }

// noVideoStream is a media file without a picture: an audio recording. It
// matches ErrUnsupported and ErrNoVideo; the text says what the file is.
type noVideoStream string

func (n noVideoStream) Error() string { return "no video stream (" + string(n) + ")" }

func (n noVideoStream) Unwrap() []error { return []error{ErrUnsupported, ErrNoVideo} }

// isoImageFormat names the photo format of an ISO base media file (the
// MP4 family) whose ftyp box declares an image brand: "HEIC", "AVIF" or
// "HEIF"; "" for anything else (videos among them).
func isoImageFormat(head []byte) string {
	major, compatible, ok := ftypBrands(head)
	if !ok {
		return ""
	}
	name := func(brand string) string {
		switch brand {
		case "heic", "heix", "heim", "heis", "hevc", "hevx":
			return "HEIC"
		case "avif", "avis":
			return "AVIF"
		}
		return ""
	}
	if n := name(major); n != "" {
		return n
	}
	if major != "mif1" && major != "msf1" && major != "mif2" {
		return ""
	}
	for _, b := range compatible {
		if n := name(b); n != "" {
			return n
		}
	}
	return "HEIF"
}

// isoAudioFormat names MP4-family audio files by their major brand
// ("M4A" for iTunes audio and audiobooks); "" for anything else.
func isoAudioFormat(head []byte) string {
	major, _, ok := ftypBrands(head)
	if !ok {
		return ""
	}
	switch major {
	case "M4A ", "M4B ", "M4P ", "F4A ", "F4B ":
		return "an " + major[:3] + " audio file"
	}
	return ""
}

// ftypBrands reads the major and compatible brands of an ftyp box at the
// start of head.
func ftypBrands(head []byte) (major string, compatible []string, ok bool) {
	if len(head) < 12 || !bytes.Equal(head[4:8], []byte("ftyp")) {
		return "", nil, false
	}
	size := int(binary.BigEndian.Uint32(head))
	if size < 16 || size > len(head) {
		size = len(head)
	}
	for i := 16; i+4 <= size; i += 4 {
		compatible = append(compatible, string(head[i:i+4]))
	}
	return string(head[8:12]), compatible, true
}

// sniffAudio names common audio-only formats from their first bytes ("an
// MP3 audio file"); "" when head is not one of them.
func sniffAudio(head []byte) string {
	has := func(prefix string) bool { return bytes.HasPrefix(head, []byte(prefix)) }
	switch {
	case has("ID3"):
		return "an MP3 audio file"
	case len(head) >= 2 && head[0] == 0xFF && head[1]&0xF6 == 0xF0:
		return "an AAC audio file"
	case len(head) >= 2 && head[0] == 0xFF && head[1]&0xE0 == 0xE0 && head[1]&0x06 != 0:
		return "an MP3 audio file"
	case len(head) >= 12 && has("RIFF") && string(head[8:12]) == "WAVE":
		return "a WAV audio file"
	case has("fLaC"):
		return "a FLAC audio file"
	case has("OggS") && !bytes.Contains(head, []byte("\x80theora")):
		return "an Ogg audio file"
	case has("#!AMR"):
		return "an AMR audio file"
	case len(head) >= 12 && has("FORM") && (string(head[8:12]) == "AIFF" || string(head[8:12]) == "AIFC"):
		return "an AIFF audio file"
	case has("MThd"):
		return "a MIDI file"
	case has("wvpk"):
		return "a WavPack audio file"
	case has(".snd"):
		return "an AU audio file"
	}
	if f := isoAudioFormat(head); f != "" {
		return f
	}
	return ""
}
