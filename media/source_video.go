package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"facecase/internal/fsutil"

	"gocv.io/x/gocv"
)

// maxBrokenRun is how many unreadable frames in a row a video may have
// before we take it to be over. Reads past the end fail at once, so the
// cost at the real end is nothing.
const maxBrokenRun = 64

// videoSource reads a video file through OpenCV's FFmpeg backend. The
// capture is used by the pump's goroutine only; Seek stops the pump first.
type videoSource struct {
	mu     sync.Mutex // serialises Next, Seek and Close
	info   Info
	vc     *gocv.VideoCapture
	pump   *framePump
	closed bool

	// Decoder state, owned by the pump goroutine while it runs.
	nextIndex int

	delivered, broken, missing atomic.Int64
}

func openVideo(ctx context.Context, path, container string, opts SourceOptions) (Source, error) {
	abs, err := absPath(path)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vc, err := gocv.VideoCaptureFileWithAPI(abs, gocv.VideoCaptureFFmpeg)
	if err != nil || !vc.IsOpened() {
		vc.Close()
		if t, ok := probeTracks(path, container); ok && !t.video {
			return nil, fmt.Errorf("open %s: %w", fsutil.ShowPath(path), noVideoStream(t.describe(container)))
		}
		return nil, fmt.Errorf("open %s: %w: FFmpeg cannot read this %s file (damaged, truncated or an unsupported codec)", fsutil.ShowPath(path), ErrCorrupt, container)
	}
	s := &videoSource{vc: vc}
	fps := vc.Get(gocv.VideoCaptureFPS)
	if fps <= 0 || fps > 1000 || math.IsNaN(fps) {
		fps = 0
	}
	count := int(vc.Get(gocv.VideoCaptureFrameCount))
	if count < 0 {
		count = 0
	}
	s.info = Info{URI: path, Kind: KindVideo, Container: container, FPS: fps, FrameCount: count, Seekable: true}
	if fps > 0 && count > 0 {
		s.info.Duration = time.Duration(float64(count) / fps * float64(time.Second))
	}
	// Decode the first frame now: a file that opens but yields no picture
	// is refused here, and the frame size is known before anyone asks.
	first, err := s.readFrame()
	if err != nil {
		vc.Close()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("open %s: %w: no frame of this %s file can be decoded", fsutil.ShowPath(path), ErrCorrupt, container)
		}
		return nil, fmt.Errorf("open %s: %w", fsutil.ShowPath(path), err)
	}
	s.info.Width, s.info.Height = first.Width, first.Height
	s.pump = startPump(opts.Buffer, false, s.decoder(&first))
	return s, nil
}

// Info describes the file as the container announces it.
func (s *videoSource) Info() Info { return s.info }

// Stats counts delivered, broken and missing frames.
func (s *videoSource) Stats() Stats {
	return Stats{
		Delivered: int(s.delivered.Load()),
		Broken:    int(s.broken.Load()),
		Missing:   int(s.missing.Load()),
	}
}

// Next returns the next decoded frame, or io.EOF after the last.
func (s *videoSource) Next(ctx context.Context) (Frame, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Frame{}, ErrClosed
	}
	f, err := s.pump.next(ctx)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Frame{}, io.EOF
		}
		return Frame{}, fmt.Errorf("read %s: %w", fsutil.ShowPath(s.info.URI), err)
	}
	s.delivered.Add(1)
	return f, nil
}

// Seek stops decoding, moves the capture and restarts decoding at index.
func (s *videoSource) Seek(ctx context.Context, index int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if index < 0 || (s.info.FrameCount > 0 && index >= s.info.FrameCount) {
		return fmt.Errorf("seek %s to frame %d: outside 0..%d", fsutil.ShowPath(s.info.URI), index, s.info.FrameCount-1)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.pump.stop()
	s.vc.Set(gocv.VideoCapturePosFrames, float64(index))
	s.nextIndex = index
	s.pump = startPump(cap(s.pump.frames), false, s.decoder(nil))
	return nil
}

// Close stops the decoder and closes the file.
func (s *videoSource) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.pump.stop()
	return s.vc.Close()
}

// decoder returns the pump's decode loop, which first delivers first (the
// frame read at open) when it is not nil.
func (s *videoSource) decoder(first *Frame) decodeFunc {
	return func(ctx context.Context, push func(Frame) bool) error {
		if first != nil && !push(*first) {
			return ctx.Err()
		}
		for ctx.Err() == nil {
			f, err := s.readFrame()
			if err != nil {
				return err
			}
			if !push(f) {
				break
			}
		}
		return ctx.Err()
	}
}

// readFrame reads the next decodable frame. Unreadable frames are skipped
// and counted as broken; the end of the file is io.EOF, and frames the
// container announced but the file does not hold are counted as missing.
func (s *videoSource) readFrame() (Frame, error) {
	m := gocv.NewMat()
	fails := 0
	for !s.vc.Read(&m) || m.Empty() {
		fails++
		past := s.info.FrameCount > 0 && s.nextIndex+fails > s.info.FrameCount
		if past || fails > maxBrokenRun {
			m.Close()
			if s.info.FrameCount > s.nextIndex {
				s.missing.Store(int64(s.info.FrameCount - s.nextIndex))
			}
			return Frame{}, io.EOF
		}
	}
	if m.Type() != gocv.MatTypeCV8UC3 {
		if err := toBGR(&m); err != nil {
			m.Close()
			return Frame{}, err
		}
	}
	// Each failed read consumed one broken frame. Decoders that drop a
	// broken frame silently leave a gap in the timestamps instead.
	index := s.nextIndex + fails
	msec := s.vc.Get(gocv.VideoCapturePosMsec)
	if fps := s.info.FPS; fps > 0 && msec > 0 {
		if byTime := int(math.Round(msec * fps / 1000)); byTime >= index+2 {
			index = byTime
		}
	}
	s.broken.Add(int64(index - s.nextIndex))
	s.nextIndex = index + 1
	t := time.Duration(msec * float64(time.Millisecond))
	if msec <= 0 && index > 0 && s.info.FPS > 0 {
		t = time.Duration(float64(index) / s.info.FPS * float64(time.Second))
	}
	return Frame{Index: index, Time: t, Width: m.Cols(), Height: m.Rows(), Mat: m}, nil
}

// toBGR converts a grey or BGRA frame to BGR in place.
func toBGR(m *gocv.Mat) error {
	var code gocv.ColorConversionCode
	switch m.Channels() {
	case 1:
		code = gocv.ColorGrayToBGR
	case 4:
		code = gocv.ColorBGRAToBGR
	default:
		return fmt.Errorf("%w: decoder returned a %d-channel frame", ErrCorrupt, m.Channels())
	}
	if m.Type()&7 != 0 { // depth other than 8-bit
		return fmt.Errorf("%w: decoder returned frame type %v", ErrCorrupt, m.Type())
	}
	out := gocv.NewMat()
	gocv.CvtColor(*m, &out, code)
	m.Close()
	*m = out
	return nil
}
