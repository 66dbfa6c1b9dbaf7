package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isoBox is an ISO-BMFF box: size, type, payload.
func isoBox(typ string, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

// hdlrBox is a handler box naming a track's kind ("vide", "soun").
func hdlrBox(kind string) []byte {
	return isoBox("hdlr", make([]byte, 8), []byte(kind), make([]byte, 12), []byte("handler\x00"))
}

// ebmlElem is a Matroska element with a one-byte size (payloads < 127 bytes).
func ebmlElem(id []byte, payload ...[]byte) []byte {
	body := bytes.Join(payload, nil)
	return append(append(append([]byte{}, id...), 0x80|byte(len(body))), body...)
}

// soundOnlyFiles are containers that FFmpeg reads but that hold no video:
// made here byte by byte so that the test needs no encoder.
func soundOnlyFiles(t testing.TB) map[string][]byte {
	t.Helper()
	ftyp := isoBox("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41"))
	moovAudio := isoBox("moov", isoBox("mvhd", make([]byte, 100)),
		isoBox("trak", isoBox("tkhd", make([]byte, 84)), isoBox("mdia", isoBox("mdhd", make([]byte, 24)), hdlrBox("soun"))))
	mdat := isoBox("mdat", bytes.Repeat([]byte{0x21, 0x10, 0x04}, 300))
	ebml := ebmlElem([]byte{0x1A, 0x45, 0xDF, 0xA3}, ebmlElem([]byte{0x42, 0x82}, []byte("matroska")))
	tracks := ebmlElem([]byte{0x16, 0x54, 0xAE, 0x6B},
		ebmlElem([]byte{0xAE}, ebmlElem([]byte{0xD7}, []byte{1}), ebmlElem([]byte{0x83}, []byte{2}), ebmlElem([]byte{0x86}, []byte("A_VORBIS"))))
	cluster := ebmlElem([]byte{0x1F, 0x43, 0xB6, 0x75}, ebmlElem([]byte{0xE7}, []byte{0}))
	// The segment has the "unknown size" that live recorders write.
	segment := append([]byte{0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, append(tracks, cluster...)...)
	return map[string][]byte{
		"mdat-first.mp4": append(append(append([]byte{}, ftyp...), mdat...), moovAudio...), // moov at the end
		"moov-first.mp4": append(append(append([]byte{}, ftyp...), moovAudio...), mdat...),
		"voice.mka":      append(ebml, segment...),
		"voice.flv":      append([]byte("FLV\x01\x04\x00\x00\x00\x09\x00\x00\x00\x00"), make([]byte, 64)...),
	}
}

// TestOpenSaysNoVideoStream: audio-only files were called "damaged". Audio
// formats and video containers holding only sound are refused as having no
// video stream; a real video cut short is still called damaged.
func TestOpenSaysNoVideoStream(t *testing.T) {
	dir := t.TempDir()
	files := soundOnlyFiles(t)
	files["talk.mp3"] = append([]byte("ID3\x04\x00\x00\x00\x00\x00\x23"), make([]byte, 200)...)
	files["talk.wav"] = append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), make([]byte, 200)...)
	files["talk.m4a"] = append(isoBox("ftyp", []byte("M4A \x00\x00\x02\x00M4A isomiso2")), make([]byte, 200)...)
	files["talk.flac"] = append([]byte("fLaC\x00\x00\x00\x22"), make([]byte, 200)...)
	files["talk.ogg"] = append([]byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01vorbis"), make([]byte, 200)...)
	files["talk.aac"] = append([]byte{0xFF, 0xF1, 0x50, 0x80}, make([]byte, 200)...)
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		src, err := Open(context.Background(), p, SourceOptions{})
		if err == nil {
			src.Close()
			t.Errorf("%s: opened", name)
			continue
		}
		if !errors.Is(err, ErrNoVideo) || !errors.Is(err, ErrUnsupported) || errors.Is(err, ErrCorrupt) ||
			!strings.Contains(err.Error(), "no video stream") || strings.Contains(err.Error(), "damaged") {
			t.Errorf("%s: %v, want ErrNoVideo saying \"no video stream\"", name, err)
		}
	}
	// A video that FFmpeg cannot read because it is cut is still damaged.
	good, err := os.ReadFile(writeNumberedVideo(t, "good.mp4", "mp4v", 10, 160, 120))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.mp4")
	os.WriteFile(cut, good[:len(good)/2], 0o644)
	if _, err := Open(context.Background(), cut, SourceOptions{}); !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrNoVideo) {
		t.Errorf("cut video: %v, want ErrCorrupt", err)
	}
}

func TestProbeTracksOfRealVideos(t *testing.T) {
	for _, c := range []struct{ name, fourcc, container string }{
		{"v.mp4", "mp4v", "mp4"},
		{"v.mkv", "MJPG", "mkv"},
	} {
		p := writeNumberedVideo(t, c.name, c.fourcc, 5, 160, 120)
		tr, ok := probeTracks(p, c.container)
		if !ok || !tr.video {
			t.Errorf("%s: tracks %+v, ok %t; want a video track", c.name, tr, ok)
		}
	}
}

// heicHead is the start of a HEIC photo as phones write it: an ftyp box
// with the heic brand, then the meta box.
var heicHead = append(isoBox("ftyp", []byte("heic\x00\x00\x00\x00mif1heicmiaf")), isoBox("meta", make([]byte, 64))...)

// TestHEICIsNamedNotCalledDamaged: a valid HEIC photo was called a
// "damaged or truncated mp4".
func TestHEICIsNamedNotCalledDamaged(t *testing.T) {
	for name, data := range map[string][]byte{
		"IMG_0001.HEIC": heicHead,
		"photo.avif":    append(isoBox("ftyp", []byte("avif\x00\x00\x00\x00avifmif1miaf")), make([]byte, 64)...),
		"still.heif":    append(isoBox("ftyp", []byte("mif1\x00\x00\x00\x00mif1")), make([]byte, 64)...),
	} {
		want := map[string]string{"IMG_0001.HEIC": "(HEIC)", "photo.avif": "(AVIF)", "still.heif": "(HEIF)"}[name]
		p := writeFile(t, name, data)
		_, err := Open(context.Background(), p, SourceOptions{})
		m, err2 := LoadImage(p)
		if err2 == nil {
			m.Close()
		}
		for _, e := range []error{err, err2} {
			if !errors.Is(e, ErrUnsupported) || !errors.Is(e, ErrUnsupportedFormat) || errors.Is(e, ErrCorrupt) ||
				!strings.Contains(e.Error(), "format not supported "+want) || strings.Contains(e.Error(), "damaged") {
				t.Errorf("%s: %v, want \"format not supported %s\"", name, e, want)
			}
		}
	}
}
