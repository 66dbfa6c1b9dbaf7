package main

import (
	"context"
	"errors"
	"fmt"

	"facecase/facedata"
	"facecase/media"
)

// printSummary tells the user on stderr what was found in a source.
func (s *scanCommand) printSummary(info media.Info, sum media.ScanSummary, err error) {
	if s.flags.asJSON {
		return
	}
	line := fmt.Sprintf("%s: %d frames", info.URI, sum.Frames)
	if sum.Every > 1 {
		line += fmt.Sprintf(" (faces detected on every %s frame)", ordinal(sum.Every))
	}
	line += fmt.Sprintf(", %d faces, %d tracks", sum.Detections, sum.Tracks)
	if sum.PersonTracks > 0 || sum.People > 0 {
		line += fmt.Sprintf(", %d people followed (at most %d in one frame)", sum.PersonTracks, sum.MostPeople)
	}
	st := sum.Source
	if st.Broken > 0 || st.Missing > 0 || st.Dropped > 0 {
		line += fmt.Sprintf(", %d broken, %d missing, %d dropped frames", st.Broken, st.Missing, st.Dropped)
	}
	line += fmt.Sprintf(", %.1f s (%.1f frames/s)", sum.Elapsed.Seconds(), sum.FPS())
	if errors.Is(err, context.Canceled) {
		line += "; cancelled, results so far written"
	}
	fmt.Fprintln(s.env.stderr, line)
}

// ordinal spells 2 as "2nd", 3 as "3rd", 11 as "11th".
func ordinal(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return fmt.Sprintf("%dth", n)
	case n%10 == 2:
		return fmt.Sprintf("%dnd", n)
	case n%10 == 3:
		return fmt.Sprintf("%drd", n)
	}
	return fmt.Sprintf("%dth", n)
}

// sourceRecord is the summary record of a scanned source.
func sourceRecord(info media.Info, detector facedata.DetectorName, minFace int, sum media.ScanSummary, err error) scanSourceRecord {
	rec := scanSourceRecord{
		Source: info.URI, Kind: info.Kind, Container: info.Container, Width: info.Width, Height: info.Height,
		FPS: info.FPS, FrameCount: info.FrameCount, Detector: detector, MinFace: minFace, Every: sum.Every,
		Frames: sum.Frames, DetectionFrames: sum.DetectionFrames, Detections: sum.Detections, Tracks: sum.Tracks,
		People: sum.People, PersonTracks: sum.PersonTracks, MostPeople: sum.MostPeople,
		Broken: sum.Source.Broken, Missing: sum.Source.Missing, Dropped: sum.Source.Dropped,
		Reconnects: sum.Source.Reconnects, Elapsed: sum.Elapsed, ProcessedFPS: sum.FPS(),
	}
	switch {
	case errors.Is(err, context.Canceled):
		rec.Cancelled = true
	case err != nil:
		rec.Error = err.Error()
	}
	return rec
}
