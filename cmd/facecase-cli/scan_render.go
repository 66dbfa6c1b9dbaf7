package main

import "facecase/media"

// renderFrame draws the tracks on the frame and appends it to the video.
func renderFrame(w *media.VideoWriter, f media.ScanFrame) error {
	ov := media.TrackOverlay(f.Tracks, f.Frame.Index, media.TrackOverlayOptions{})
	if err := media.DrawOverlayMat(f.Frame.Mat, ov, media.OverlayStyle{}); err != nil {
		return err
	}
	return w.Write(f.Frame.Mat)
}
