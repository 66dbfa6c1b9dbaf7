package media

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"facecase/internal/fsutil"

	"gocv.io/x/gocv"
)

// ErrExists is returned when an output file already exists: exports never
// overwrite anything (least of all evidence).
var ErrExists = errors.New("file already exists")

// VideoWriter writes a video through OpenCV into a temporary file beside
// the destination and moves it into place on Close, so a half-written file
// never carries the final name.
type VideoWriter struct {
	path, partial string
	width, height int
	vw            *gocv.VideoWriter
	frames        int
}

// codecFor picks a FourCC OpenCV 4.6 with FFmpeg writes for the file type.
func codecFor(ext string) (string, error) {
	switch strings.ToLower(ext) {
	case ".mp4", ".mov", ".m4v":
		return "mp4v", nil
	case ".avi":
		return "MJPG", nil
	case ".mkv":
		return "MJPG", nil
	}
	return "", fmt.Errorf("%w: cannot write video type %q (use .mp4, .mov, .avi or .mkv)", ErrUnsupported, ext)
}

// CreateVideo starts a video of width x height frames at fps. It refuses
// to overwrite an existing file.
func CreateVideo(path string, fps float64, width, height int) (*VideoWriter, error) {
	ext := filepath.Ext(path)
	codec, err := codecFor(ext)
	if err != nil {
		return nil, fmt.Errorf("create video %s: %w", fsutil.ShowPath(path), err)
	}
	if fps <= 0 || width <= 0 || height <= 0 {
		return nil, fmt.Errorf("create video %s: bad format %dx%d at %g fps", fsutil.ShowPath(path), width, height, fps)
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("create video %s: %w", fsutil.ShowPath(path), ErrExists)
	}
	partial := strings.TrimSuffix(path, ext) + ".partial" + ext
	// Reserve the temporary name so two writers never share it.
	f, err := os.OpenFile(partial, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create video %s: %w", fsutil.ShowPath(path), err)
	}
	f.Close()
	vw, err := gocv.VideoWriterFile(partial, codec, fps, width, height, true)
	if err != nil || !vw.IsOpened() {
		if vw != nil {
			vw.Close()
		}
		os.Remove(partial)
		return nil, fmt.Errorf("create video %s: OpenCV cannot write %s video here: %v", fsutil.ShowPath(path), codec, err)
	}
	return &VideoWriter{path: path, partial: partial, width: width, height: height, vw: vw}, nil
}

// Write appends a BGR frame of the video's size.
func (w *VideoWriter) Write(frame gocv.Mat) error {
	if w.vw == nil {
		return fmt.Errorf("write video %s: %w", fsutil.ShowPath(w.path), ErrClosed)
	}
	if frame.Cols() != w.width || frame.Rows() != w.height || frame.Type() != gocv.MatTypeCV8UC3 {
		return fmt.Errorf("write video %s: frame is %dx%d %v, video is %dx%d BGR",
			fsutil.ShowPath(w.path), frame.Cols(), frame.Rows(), frame.Type(), w.width, w.height)
	}
	if err := w.vw.Write(frame); err != nil {
		return fmt.Errorf("write video %s: %w", fsutil.ShowPath(w.path), err)
	}
	w.frames++
	return nil
}

// Frames is the number of frames written.
func (w *VideoWriter) Frames() int { return w.frames }

// Close finishes the file and gives it its final name. A video without
// frames is removed and reported.
func (w *VideoWriter) Close() error {
	if w.vw == nil {
		return nil
	}
	w.vw.Close()
	w.vw = nil
	if w.frames == 0 {
		os.Remove(w.partial)
		return fmt.Errorf("write video %s: no frames were written", fsutil.ShowPath(w.path))
	}
	if _, err := os.Lstat(w.path); err == nil {
		return fmt.Errorf("write video %s: %w (the video is kept as %s)", fsutil.ShowPath(w.path), ErrExists, fsutil.ShowPath(w.partial))
	}
	if err := os.Rename(w.partial, w.path); err != nil {
		return fmt.Errorf("write video %s: %w", fsutil.ShowPath(w.path), err)
	}
	return nil
}

// Abort stops writing and removes the temporary file.
func (w *VideoWriter) Abort() {
	if w.vw != nil {
		w.vw.Close()
		w.vw = nil
	}
	os.Remove(w.partial)
}
