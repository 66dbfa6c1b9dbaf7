package media

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

func TestVideoWriterRoundTrip(t *testing.T) {
	for _, name := range []string{"out.mp4", "out.avi", "out.mkv"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			w, err := CreateVideo(path, 25, 160, 120)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("the final name exists before Close")
			}
			for i := 0; i < 12; i++ {
				m := rgbaToMat(t, numberedFrame(i, 160, 120))
				if err := w.Write(m); err != nil {
					t.Fatal(err)
				}
				m.Close()
			}
			wrong := gocv.NewMatWithSize(100, 100, gocv.MatTypeCV8UC3)
			if err := w.Write(wrong); err == nil {
				t.Fatal("wrote a frame of the wrong size")
			}
			wrong.Close()
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Fatalf("files left: %v", entries)
			}
			src, err := Open(context.Background(), path, SourceOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			_, numbers, err := readAll(t, src)
			if !errors.Is(err, io.EOF) || len(numbers) != 12 || numbers[11] != 11 {
				t.Fatalf("read back %v, %v", numbers, err)
			}
		})
	}
}

func TestVideoWriterNeverOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "evidence.mp4")
	os.WriteFile(path, []byte("original"), 0o644)
	if _, err := CreateVideo(path, 25, 160, 120); !errors.Is(err, ErrExists) {
		t.Fatalf("err %v, want ErrExists", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "original" {
		t.Fatal("existing file changed")
	}
	if _, err := CreateVideo(filepath.Join(t.TempDir(), "x.gif"), 25, 160, 120); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("gif: %v", err)
	}
}

func TestVideoWriterAbortAndEmpty(t *testing.T) {
	dir := t.TempDir()
	w, err := CreateVideo(filepath.Join(dir, "a.avi"), 25, 160, 120)
	if err != nil {
		t.Fatal(err)
	}
	w.Abort()
	w2, err := CreateVideo(filepath.Join(dir, "b.avi"), 25, 160, 120)
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err == nil {
		t.Fatal("closing a video without frames gave no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left: %v", entries)
	}
}
