package media

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestOpenVideoFiles(t *testing.T) {
	for _, c := range []struct{ name, codec, container string }{
		{"clip.avi", "MJPG", "avi"},
		{"clip.mp4", "mp4v", "mp4"},
		{"clip.mkv", "MJPG", "mkv"},
		{"clip.mov", "mp4v", "mov"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeNumberedVideo(t, c.name, c.codec, 40, 320, 240)
			src, err := Open(context.Background(), path, SourceOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			info := src.Info()
			if info.Kind != KindVideo || info.Container != c.container || info.Width != 320 || info.Height != 240 ||
				info.FPS != 25 || info.FrameCount != 40 || info.Duration != 1600*time.Millisecond || !info.Seekable || info.Live {
				t.Fatalf("info %+v", info)
			}
			var times []time.Duration
			for i := 0; ; i++ {
				f, err := src.Next(context.Background())
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if f.Index != i || frameNumber(t, f.Mat) != i || f.Width != 320 || f.Height != 240 {
					t.Fatalf("frame %d: index %d, number %d, %dx%d", i, f.Index, frameNumber(t, f.Mat), f.Width, f.Height)
				}
				times = append(times, f.Time)
				f.Close()
			}
			if len(times) != 40 {
				t.Fatalf("%d frames, want 40", len(times))
			}
			for i, ts := range times {
				if want := time.Duration(i) * 40 * time.Millisecond; (ts - want).Abs() > time.Millisecond {
					t.Fatalf("frame %d at %v, want %v", i, ts, want)
				}
			}
			if st := src.Stats(); st.Delivered != 40 || st.Broken != 0 || st.Missing != 0 {
				t.Fatalf("stats %+v", st)
			}
			if _, err := src.Next(context.Background()); !errors.Is(err, io.EOF) {
				t.Fatalf("after the end: %v, want io.EOF", err)
			}
		})
	}
}

func TestVideoSeek(t *testing.T) {
	for _, c := range []struct{ name, codec string }{{"seek.avi", "MJPG"}, {"seek.mp4", "mp4v"}} {
		t.Run(c.name, func(t *testing.T) {
			path := writeNumberedVideo(t, c.name, c.codec, 60, 320, 240)
			src, err := Open(context.Background(), path, SourceOptions{Buffer: 3})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			ctx := context.Background()
			for _, target := range []int{30, 5, 59, 0, 47} {
				if err := src.Seek(ctx, target); err != nil {
					t.Fatalf("seek %d: %v", target, err)
				}
				for k := 0; k < 2 && target+k < 60; k++ {
					f, err := src.Next(ctx)
					if err != nil {
						t.Fatalf("after seek %d: %v", target, err)
					}
					if f.Index != target+k || frameNumber(t, f.Mat) != target+k {
						t.Fatalf("after seek %d: frame index %d shows %d, want %d", target, f.Index, frameNumber(t, f.Mat), target+k)
					}
					if want := time.Duration(target+k) * 40 * time.Millisecond; (f.Time - want).Abs() > time.Millisecond {
						t.Fatalf("after seek %d: time %v, want %v", target, f.Time, want)
					}
					f.Close()
				}
			}
			if err := src.Seek(ctx, 60); err == nil {
				t.Fatal("seek past the end accepted")
			}
		})
	}
}

// corruptAVIFrames overwrites the data of the given frames (0-based) of an
// MJPG AVI with zeros, as a damaged disk or a cut transfer would.
func corruptAVIFrames(t *testing.T, path string, frames ...int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	movi := indexOf(data, []byte("movi"), 0)
	if movi < 0 {
		t.Fatal("no movi list")
	}
	want := map[int]bool{}
	for _, f := range frames {
		want[f] = true
	}
	pos, n := movi+4, 0
	for pos+8 <= len(data) && string(data[pos:pos+4]) != "idx1" {
		size := int(uint32(data[pos+4]) | uint32(data[pos+5])<<8 | uint32(data[pos+6])<<16 | uint32(data[pos+7])<<24)
		if string(data[pos+2:pos+4]) == "dc" {
			if want[n] {
				clear(data[pos+8 : pos+8+size])
			}
			n++
		}
		pos += 8 + size + size%2
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func indexOf(b, sub []byte, from int) int {
	for i := from; i+len(sub) <= len(b); i++ {
		if string(b[i:i+len(sub)]) == string(sub) {
			return i
		}
	}
	return -1
}

func TestVideoBrokenFramesAreSkipped(t *testing.T) {
	path := writeNumberedVideo(t, "broken.avi", "MJPG", 60, 320, 240)
	corruptAVIFrames(t, path, 20, 21, 22, 40)
	src, err := Open(context.Background(), path, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	indices, numbers, err := readAll(t, src)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("read: %v", err)
	}
	if len(indices) != 56 {
		t.Fatalf("%d frames delivered, want 56 of 60", len(indices))
	}
	for i := range indices {
		if indices[i] != numbers[i] {
			t.Fatalf("frame with index %d shows frame %d", indices[i], numbers[i])
		}
		if indices[i] >= 20 && indices[i] <= 22 || indices[i] == 40 {
			t.Fatalf("broken frame %d delivered", indices[i])
		}
	}
	if st := src.Stats(); st.Broken != 4 || st.Delivered != 56 || st.Missing != 0 {
		t.Fatalf("stats %+v, want 4 broken", st)
	}
}

func TestVideoTruncatedFile(t *testing.T) {
	path := writeNumberedVideo(t, "cut.avi", "MJPG", 60, 320, 240)
	data, _ := os.ReadFile(path)
	os.WriteFile(path, data[:len(data)/2], 0o644)
	src, err := Open(context.Background(), path, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	indices, numbers, err := readAll(t, src)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("read: %v", err)
	}
	if len(indices) < 20 || len(indices) >= 60 {
		t.Fatalf("%d frames from half a file", len(indices))
	}
	for i := range indices {
		if indices[i] != i || numbers[i] != i {
			t.Fatalf("frame %d: index %d shows %d", i, indices[i], numbers[i])
		}
	}
	if st := src.Stats(); st.Missing != 60-len(indices) {
		t.Fatalf("stats %+v, want %d missing", st, 60-len(indices))
	}
}

func TestOpenBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	goodMP4, _ := os.ReadFile(writeNumberedVideo(t, "good.mp4", "mp4v", 10, 160, 120))
	goodJPEG := numberedJPEG(t, 7, 64, 48)
	fifo := filepath.Join(dir, "pipe.mp4")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string
		want []error
	}{
		{"empty", write("empty.mp4", nil), []error{ErrEmptyFile}},
		{"text named mp4", write("notes.mp4", []byte("Statement of the witness, taken on 3 May.\n")), []error{ErrUnsupported}},
		{"gif", write("anim.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")), []error{ErrUnsupported}},
		{"mp4 header then noise", write("noise.mp4", append(append([]byte{}, goodMP4[:32]...), make([]byte, 5000)...)), []error{ErrCorrupt}},
		{"mp4 cut before its index", write("cut.mp4", goodMP4[:len(goodMP4)/2]), []error{ErrCorrupt}},
		{"truncated jpeg", write("cut.jpg", goodJPEG[:len(goodJPEG)/2]), []error{ErrCorrupt, ErrCorruptImage}},
		{"folder", dir, []error{ErrUnsupported}},
		{"fifo", fifo, []error{ErrUnsupported}},
		{"missing", filepath.Join(dir, "gone.mp4"), []error{os.ErrNotExist}},
		{"ftp url", "ftp://example.org/clip.mp4", []error{ErrUnsupported}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, err := Open(context.Background(), c.path, SourceOptions{})
			if err == nil {
				src.Close()
				t.Fatalf("opened %s", c.path)
			}
			for _, w := range c.want {
				if !errors.Is(err, w) {
					t.Errorf("error %q does not match %v", err, w)
				}
			}
			if !containsString(err.Error(), filepath.Base(c.path)) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func containsString(s, sub string) bool { return indexOf([]byte(s), []byte(sub), 0) >= 0 }

func TestOpenByContentNotName(t *testing.T) {
	dir := t.TempDir()
	// A photo named like a video opens as a photo.
	photo := filepath.Join(dir, "clip.mp4")
	os.WriteFile(photo, numberedJPEG(t, 9, 64, 48), 0o644)
	src, err := Open(context.Background(), photo, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info := src.Info(); info.Kind != KindPhoto || info.Container != "jpeg" || info.Width != 64 {
		t.Fatalf("info %+v", info)
	}
	src.Close()
	// A video named like a photo opens as a video.
	video := filepath.Join(dir, "still.jpg")
	data, _ := os.ReadFile(writeNumberedVideo(t, "v.avi", "MJPG", 5, 160, 120))
	os.WriteFile(video, data, 0o644)
	src, err = Open(context.Background(), video, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info := src.Info(); info.Kind != KindVideo || info.Container != "avi" || info.FrameCount != 5 {
		t.Fatalf("info %+v", info)
	}
	src.Close()
	// file:// URLs are files.
	src, err = Open(context.Background(), "file://"+photo, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
}

func TestPhotoSource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.jpg")
	os.WriteFile(path, numberedJPEG(t, 77, 320, 240), 0o644)
	src, err := Open(context.Background(), path, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	info := src.Info()
	if info.Kind != KindPhoto || info.FrameCount != 1 || info.Width != 320 || info.Height != 240 || !info.Seekable {
		t.Fatalf("info %+v", info)
	}
	for round := 0; round < 2; round++ {
		f, err := src.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if f.Index != 0 || frameNumber(t, f.Mat) != 77 {
			t.Fatalf("frame %d shows %d", f.Index, frameNumber(t, f.Mat))
		}
		f.Close()
		if _, err := src.Next(context.Background()); !errors.Is(err, io.EOF) {
			t.Fatalf("second Next: %v", err)
		}
		if err := src.Seek(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := src.Seek(context.Background(), 1); err == nil {
		t.Fatal("seek to frame 1 of a photo accepted")
	}
}

func TestOriginalFileIsNeverModified(t *testing.T) {
	path := writeNumberedVideo(t, "evidence.avi", "MJPG", 30, 320, 240)
	old := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	os.Chtimes(path, old, old)
	os.Chmod(path, 0o444) // as evidence is stored: read-only
	sum := func() [32]byte {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(data)
	}
	before := sum()
	src, err := Open(context.Background(), path, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, src)
	src.Seek(context.Background(), 10)
	readAll(t, src)
	src.Close()
	st, _ := os.Stat(path)
	if sum() != before || !st.ModTime().Equal(old) || st.Mode().Perm() != 0o444 {
		t.Fatalf("file changed: mtime %v (was %v), mode %v", st.ModTime(), old, st.Mode())
	}
}

func TestSourceCancelAndClose(t *testing.T) {
	path := writeNumberedVideo(t, "c.avi", "MJPG", 30, 160, 120)
	src, err := Open(context.Background(), path, SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A frame may be ready; keep asking until the cancellation shows.
	for i := 0; ; i++ {
		f, err := src.Next(ctx)
		if err == nil {
			f.Close()
			if i > 10 {
				t.Fatal("cancelled context never reported")
			}
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want context.Canceled", err)
		}
		break
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := src.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
	if err := src.Seek(context.Background(), 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Seek after Close: %v", err)
	}
}
