package main

import "facecase/media"

// renderFrame draws the people and faces followed on the frame (people
// first, thin boxes and foot-point paths; faces over them) and appends it
// to the video.
func renderFrame(w *media.VideoWriter, f media.ScanFrame) error {
	ov := media.PersonOverlay(f.PersonTracks, f.Frame.Index, media.TrackOverlayOptions{}).
		Merge(media.TrackOverlay(f.Tracks, f.Frame.Index, media.TrackOverlayOptions{}))
	if err := media.DrawOverlayMat(f.Frame.Mat, ov, media.OverlayStyle{}); err != nil {
		return err
	}
	return w.Write(f.Frame.Mat)
}
