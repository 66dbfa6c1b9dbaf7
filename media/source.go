package media

import (
	"context"
	"time"

	"gocv.io/x/gocv"
)

// Kind says what a source is.
type Kind string

// Kinds of source.
const (
	KindPhoto  Kind = "photo"
	KindVideo  Kind = "video"
	KindCamera Kind = "camera" // USB camera (V4L2)
	KindStream Kind = "stream" // IP camera: RTSP or HTTP MJPEG
)

// Info describes a source. Fields that a source does not know are zero.
type Info struct {
	// URI is what the source was opened from.
	URI  string `json:"uri"`
	Kind Kind   `json:"kind"`
	// Container names the file format found by content ("mp4", "avi",
	// "jpeg", ...) or the protocol of a stream ("rtsp", "mjpeg", "v4l2").
	Container string `json:"container,omitempty"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	// FPS is the nominal frame rate; 0 when unknown.
	FPS float64 `json:"fps,omitempty"`
	// FrameCount is the number of frames the container announces (1 for a
	// photo); 0 when unknown (live sources).
	FrameCount int `json:"frame_count,omitempty"`
	// Duration is FrameCount/FPS for files; 0 when unknown.
	Duration time.Duration `json:"duration_ns,omitempty"`
	// Seekable sources accept Seek; Live sources drop frames when the
	// consumer is slower than the camera.
	Seekable bool `json:"seekable"`
	Live     bool `json:"live"`
}

// Frame is one decoded image with its place in the source. The consumer
// owns the Mat and must Close the frame.
type Frame struct {
	// Index is the frame's position: for files, in the file (broken frames
	// leave gaps); for live sources, in order of arrival (dropped frames
	// leave gaps).
	Index int
	// Time is the frame's timestamp from the start of the file, or since
	// the live source was opened.
	Time   time.Duration
	Width  int `json:"width"`
	Height int `json:"height"`
	// Mat is the image, 8-bit BGR.
	Mat gocv.Mat
}

// Close releases the frame's Mat.
func (f *Frame) Close() error { return f.Mat.Close() }

// Stats counts what happened while reading a source.
type Stats struct {
	// Delivered frames were returned by Next.
	Delivered int `json:"delivered"`
	// Dropped frames of a live source were discarded because the consumer
	// was slower than the camera.
	Dropped int `json:"dropped"`
	// Broken frames of a file could not be decoded and were skipped.
	Broken int `json:"broken"`
	// Missing frames were announced by the container but the file ended
	// before them (a truncated file).
	Missing int `json:"missing"`
	// Reconnects counts reconnections of an IP camera.
	Reconnects int `json:"reconnects"`
}

// Source delivers the frames of a photo, a video file or a camera. Next and
// Seek must be called from one goroutine at a time; Close, Info and Stats
// may be called from any.
type Source interface {
	// Info describes the source.
	Info() Info
	// Next returns the next frame. It returns io.EOF after the last frame
	// of a file; a live source returns an error wrapping ErrTimeout when
	// it gives up reconnecting. It returns ctx's error if ctx ends first.
	Next(ctx context.Context) (Frame, error)
	// Seek moves a file source so that Next returns frame index next.
	// Live sources return ErrNotSeekable.
	Seek(ctx context.Context, index int) error
	// Stats reports frames delivered, dropped, broken and reconnections.
	Stats() Stats
	// Close stops decoding and releases everything. Frames already
	// returned stay valid until the consumer closes them.
	Close() error
}

// SourceOptions tune how sources are read. Zero fields take the defaults
// of DefaultSourceOptions.
type SourceOptions struct {
	// Buffer is how many decoded frames may wait for the consumer. Files
	// wait for the consumer when it is full; live sources drop the oldest.
	Buffer int
	// OpenTimeout bounds connecting to a camera or URL and receiving its
	// first frame.
	OpenTimeout time.Duration
	// ReadTimeout is how long a live source may stay silent before it is
	// considered lost and reconnected.
	ReadTimeout time.Duration
	// GiveUpAfter is how long a live source keeps reconnecting without
	// receiving a frame before Next fails with ErrTimeout.
	GiveUpAfter time.Duration
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts, which doubles after each failure.
	MinBackoff, MaxBackoff time.Duration
	// MaxFrameBytes bounds one encoded frame of an HTTP MJPEG stream.
	MaxFrameBytes int
	// CameraWidth and CameraHeight ask a USB camera for a resolution; 0
	// keeps the driver's default.
	CameraWidth, CameraHeight int
}

// DefaultSourceOptions: a camera URL that does not answer fails within 8
// seconds (the desktop app must show an error within 10); a stream that
// stops is reconnected for 30 seconds before giving up.
func DefaultSourceOptions() SourceOptions {
	return SourceOptions{
		Buffer:        4,
		OpenTimeout:   8 * time.Second,
		ReadTimeout:   5 * time.Second,
		GiveUpAfter:   30 * time.Second,
		MinBackoff:    200 * time.Millisecond,
		MaxBackoff:    5 * time.Second,
		MaxFrameBytes: 32 << 20,
	}
}

func (o SourceOptions) withDefaults() SourceOptions {
	d := DefaultSourceOptions()
	if o.Buffer <= 0 {
		o.Buffer = d.Buffer
	}
	if o.OpenTimeout <= 0 {
		o.OpenTimeout = d.OpenTimeout
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = d.ReadTimeout
	}
	if o.GiveUpAfter <= 0 {
		o.GiveUpAfter = d.GiveUpAfter
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = d.MinBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(d.MaxBackoff, o.MinBackoff)
	}
	if o.MaxFrameBytes <= 0 {
		o.MaxFrameBytes = d.MaxFrameBytes
	}
	return o
}
