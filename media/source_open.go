package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"facecase/internal/fsutil"
)

// Open opens a photo, a video file, a USB camera or an IP camera:
//
//   - a file path (or file:// URL): the content decides, whatever the name
//     says: JPEG, PNG, BMP, TIFF and WebP photos; MP4, MOV, MKV/WebM, AVI,
//     MPEG-TS/PS, ASF and FLV videos through OpenCV's FFmpeg backend. Only
//     regular files are read (a pipe or device is refused unread); HEIC
//     and AVIF photos are refused as "format not supported", audio-only
//     files as "no video stream" (ErrNoVideo);
//   - a camera index ("0") or V4L2 device ("/dev/video0");
//   - rtsp:// and rtsps:// URLs through FFmpeg;
//   - http:// and https:// URLs serving MJPEG (multipart/x-mixed-replace).
//
// Files are opened read-only. Errors wrap ErrUnsupported, ErrCorrupt,
// ErrEmptyFile, ErrNoCamera, ErrTimeout or ErrUnreachable and name the
// source (quoted when the name holds control characters).
func Open(ctx context.Context, uri string, opts SourceOptions) (Source, error) {
	opts = opts.withDefaults()
	switch scheme := uriScheme(uri); scheme {
	case "rtsp", "rtsps":
		return openRTSP(ctx, uri, opts)
	case "http", "https":
		return openMJPEG(ctx, uri, opts)
	case "file":
		u, err := url.Parse(uri)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", fsutil.ShowPath(uri), err)
		}
		return openFile(ctx, u.Path, opts)
	case "":
	default:
		return nil, fmt.Errorf("open %s: %w: %s:// URLs are not read (use rtsp://, http:// or a file)", fsutil.ShowPath(uri), ErrUnsupported, scheme)
	}
	if idx, ok := cameraIndex(uri); ok {
		return openCamera(ctx, uri, idx, opts)
	}
	return openFile(ctx, uri, opts)
}

var schemeRE = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9+.-]*)://`)

// uriScheme is the lower-case scheme of a URL, or "" for a plain path.
func uriScheme(uri string) string {
	m := schemeRE.FindStringSubmatch(uri)
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

var videoDeviceRE = regexp.MustCompile(`^/dev/video([0-9]+)$`)

// cameraIndex recognises "N" and "/dev/videoN".
func cameraIndex(uri string) (int, bool) {
	if m := videoDeviceRE.FindStringSubmatch(uri); m != nil {
		n, err := strconv.Atoi(m[1])
		return n, err == nil
	}
	if uri != "" && len(uri) <= 3 && strings.Trim(uri, "0123456789") == "" {
		n, err := strconv.Atoi(uri)
		return n, err == nil
	}
	return 0, false
}

// openFile decides by content whether path is a photo or a video.
func openFile(ctx context.Context, path string, opts SourceOptions) (Source, error) {
	head, err := readHead(path)
	if err != nil {
		return nil, err
	}
	if _, err := SniffImageFormat(head); err == nil {
		return openPhoto(path)
	} else if errors.Is(err, ErrEmptyFile) {
		return nil, fmt.Errorf("open %s: %w", fsutil.ShowPath(path), ErrEmptyFile)
	}
	// Photos in ISO-BMFF containers (HEIC, AVIF) start like MP4 videos,
	// and audio recordings have no picture: both are named for what they
	// are instead of being called damaged videos.
	if f := isoImageFormat(head); f != "" {
		return nil, fmt.Errorf("open %s: %w", fsutil.ShowPath(path), unsupportedFormat(f))
	}
	if a := sniffAudio(head); a != "" {
		return nil, fmt.Errorf("open %s: %w", fsutil.ShowPath(path), noVideoStream(a))
	}
	if container := sniffVideo(head); container != "" {
		return openVideo(ctx, path, container, opts)
	}
	return nil, fmt.Errorf("open %s: %w: content looks like %s, not a photo or video we read",
		fsutil.ShowPath(path), ErrUnsupported, describeContent(head))
}

// readHead reads the first bytes of a regular file, read-only. A folder,
// named pipe, device or socket is refused without reading it: a pipe would
// block and a device such as /dev/zero never ends.
func readHead(path string) ([]byte, error) {
	f, err := fsutil.OpenRegular(path)
	if errors.Is(err, fsutil.ErrNotRegular) {
		return nil, fmt.Errorf("open %s: %w: %w", fsutil.ShowPath(path), ErrUnsupported, err)
	}
	if err != nil {
		return nil, fsutil.WrapPath("open", path, err)
	}
	defer f.Close()
	head := make([]byte, sniffHeadSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fsutil.WrapPath("open", path, err)
	}
	return head[:n], nil
}

// absPath makes a path absolute so FFmpeg never takes part of a file name
// for a protocol ("concat:", "http:").
func absPath(path string) (string, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", fsutil.ShowPath(path), err)
	}
	return p, nil
}
