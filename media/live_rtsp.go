package media

import (
	"context"
	"errors"
	"fmt"

	"gocv.io/x/gocv"
)

// openRTSP opens an RTSP camera through OpenCV's FFmpeg backend. OpenCV
// 4.6's open and read block (gocv 0.31 cannot pass the open/read timeout
// parameters), so both run under captureConn's watchdog.
func openRTSP(ctx context.Context, uri string, opts SourceOptions) (Source, error) {
	info := Info{URI: uri, Kind: KindStream, Container: "rtsp", Live: true}
	dial := func(ctx context.Context) (liveConn, error) {
		vc, err := openCapture(ctx, func() (*gocv.VideoCapture, error) {
			vc, err := gocv.VideoCaptureFileWithAPI(uri, gocv.VideoCaptureFFmpeg)
			return vc, err
		})
		if err != nil {
			if errors.Is(err, ErrTimeout) || ctx.Err() != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: FFmpeg could not open the stream (connection refused, wrong path or credentials, or an unsupported codec)", ErrUnreachable)
		}
		return startCaptureConn(vc), nil
	}
	return openLive(ctx, info, opts, dial)
}
