package media

import "errors"

// Errors for sources that cannot be opened or read. They are wrapped with
// the source's name and a reason; test with errors.Is. Photos also match
// the image errors (ErrEmptyFile, ErrUnsupportedFormat, ErrCorruptImage,
// ErrImageTooLarge).
var (
	// ErrUnsupported is returned for content that is neither a photo nor a
	// video we decode, and for URL schemes we do not read.
	ErrUnsupported = errors.New("unsupported media")
	// ErrNoVideo is returned, with ErrUnsupported, for a media file that
	// has no picture: an audio recording, or a video container holding
	// only sound.
	ErrNoVideo = errors.New("no video stream")
	// ErrCorrupt is returned for a damaged or truncated photo or video.
	ErrCorrupt = errors.New("media is damaged or truncated")
	// ErrTimeout is returned when a camera or URL does not answer or stops
	// sending frames for longer than the configured time.
	ErrTimeout = errors.New("timed out")
	// ErrUnreachable is returned when a camera URL refuses the connection
	// or answers with an error.
	ErrUnreachable = errors.New("camera URL unreachable")
	// ErrNoCamera is returned for a USB camera index or device that does
	// not exist or cannot be opened.
	ErrNoCamera = errors.New("no such camera")
	// ErrNotSeekable is returned by Seek on live sources.
	ErrNotSeekable = errors.New("source cannot seek")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("source is closed")
)
