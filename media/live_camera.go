package media

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"

	"facecase/internal/fsutil"

	"gocv.io/x/gocv"
)

// openCamera opens USB camera index (V4L2 on Linux).
func openCamera(ctx context.Context, uri string, index int, opts SourceOptions) (Source, error) {
	if runtime.GOOS == "linux" {
		dev := fmt.Sprintf("/dev/video%d", index)
		if _, err := os.Stat(dev); err != nil {
			return nil, fmt.Errorf("open camera %s: %w: %s does not exist (is the camera plugged in?)", fsutil.ShowPath(uri), ErrNoCamera, dev)
		}
	}
	api := gocv.VideoCaptureAny
	if runtime.GOOS == "linux" {
		api = gocv.VideoCaptureV4L2
	}
	info := Info{URI: uri, Kind: KindCamera, Container: "v4l2", Live: true}
	dial := func(ctx context.Context) (liveConn, error) {
		vc, err := openCapture(ctx, func() (*gocv.VideoCapture, error) {
			vc, err := gocv.VideoCaptureDeviceWithAPI(index, api)
			if err == nil && vc.IsOpened() {
				if opts.CameraWidth > 0 && opts.CameraHeight > 0 {
					vc.Set(gocv.VideoCaptureFrameWidth, float64(opts.CameraWidth))
					vc.Set(gocv.VideoCaptureFrameHeight, float64(opts.CameraHeight))
				}
			}
			return vc, err
		})
		if err != nil {
			if errors.Is(err, ErrTimeout) || ctx.Err() != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: camera %d cannot be opened (in use by another program, or not a capture device): %v", ErrNoCamera, index, err)
		}
		return startCaptureConn(vc), nil
	}
	src, err := openLive(ctx, info, opts, dial)
	if err != nil {
		return nil, err
	}
	return src, nil
}
