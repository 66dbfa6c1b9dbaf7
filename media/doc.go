// Package media opens what detectives bring: photos, video files, USB and IP
// cameras. It decodes frames with GoCV, never writes to an original file, and
// turns bad input into clear errors.
//
// Photos are decoded by LoadImage (or DecodeImage for bytes in memory): the
// format is recognised by content, the header's dimensions are checked
// before any pixel is decoded (a hostile header cannot make us allocate
// gigabytes), truncated files are refused, EXIF orientation is applied so
// coordinates are those the user sees, and every colour layout (grey,
// alpha, 16-bit, CMYK) comes out as 8-bit BGR.
//
// Open is the one way to read any source by path or URL: photo, video file
// (through OpenCV's FFmpeg backend), USB camera (index or /dev/videoN), RTSP
// or HTTP MJPEG camera. The kind is found by content or scheme, not by the
// file name. Each Source decodes on its own goroutine into a bounded
// buffer; live sources drop the oldest frame rather than queue without end
// and count the drops; IP cameras reconnect with back-off, and a dead or
// silent camera ends with ErrTimeout instead of hanging. Broken frames in
// the middle of a video are skipped and counted. Callers branch on the
// sentinel errors (ErrUnsupported, ErrCorrupt, ErrTimeout, ErrUnreachable,
// ErrNoCamera, ErrNotSeekable, ErrClosed).
//
// Scan runs a FaceAnalyzer (the recognition engine) and the tracker over a
// source, detecting on every Nth frame and carrying boxes in between, and
// delivers detections with their track ids and finished tracks; a cancelled
// scan still delivers everything found so far.
//
// DrawOverlay (on an image.RGBA) and DrawOverlayMat (on a gocv.Mat) draw
// face boxes, labels and each track's path as dots in its own colour,
// pixel-identically; TrackOverlay builds the overlay from tracks. The
// desktop viewer and exported media use the same functions.
package media
