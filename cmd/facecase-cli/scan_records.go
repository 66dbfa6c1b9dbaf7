package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"facecase/facedata"
	"facecase/media"
	"facecase/tracking"
)

// scanSink receives what a scan finds. The JSON-lines sink writes it to
// stdout; a case-file sink stores it in a case (see openCaseSink). Calls
// come from one goroutine.
type scanSink interface {
	// BeginSource announces a source about to be scanned.
	BeginSource(info media.Info) error
	// Detections delivers faces with their track ids (0: no track).
	Detections(info media.Info, dets []media.ScanDetection) error
	// Track delivers a finished track and the watch-list person it is
	// named after (nil when none).
	Track(info media.Info, t tracking.Track, match *watchMatch) error
	// People delivers people with their person track ids.
	People(info media.Info, people []media.ScanPerson) error
	// PersonTrack delivers a finished person track.
	PersonTrack(info media.Info, p tracking.PersonTrack) error
	// EndSource closes a source with its summary (Error set when it failed).
	EndSource(info media.Info, rec scanSourceRecord) error
	Close() error
}

// openCaseSink stores scan results in the case file at path (scan_case.go).
var openCaseSink func(ctx context.Context, path string) (scanSink, error)

// watchMatch names a track after a watch-list person: the normalised
// score at the operating point of TargetFMR, with the raw distance.
type watchMatch struct {
	Name      string  `json:"name"`
	Score     float64 `json:"score"`
	Distance  float64 `json:"distance"`
	TargetFMR float64 `json:"target_fmr"`
}

// scanDetectionRecord is one face, one JSON line.
type scanDetectionRecord struct {
	Type       string                `json:"type"` // "detection"
	Source     string                `json:"source"`
	Frame      int                   `json:"frame"`
	Time       time.Duration         `json:"time_ns"`
	TrackID    int                   `json:"track_id"`
	PersonID   int                   `json:"person_id,omitempty"`
	Box        facedata.Rect         `json:"box"`
	Score      float32               `json:"score"`
	Detector   facedata.DetectorName `json:"detector"`
	Landmarks  []facedata.Point      `json:"landmarks,omitempty"`
	Quality    facedata.Quality      `json:"quality"`
	Descriptor *facedata.Descriptor  `json:"descriptor,omitempty"`
	Cohort     facedata.CohortStats  `json:"cohort,omitzero"`
}

// scanTrackRecord is one finished track, one JSON line.
type scanTrackRecord struct {
	Type       string        `json:"type"` // "track"
	Source     string        `json:"source"`
	TrackID    int           `json:"track_id"`
	Color      string        `json:"color"`
	FirstFrame int           `json:"first_frame"`
	LastFrame  int           `json:"last_frame"`
	FirstTime  time.Duration `json:"first_time_ns"`
	LastTime   time.Duration `json:"last_time_ns"`
	Detections int           `json:"detections"`
	// Best is the face to search with.
	Best  scanBestFace         `json:"best"`
	Match *watchMatch          `json:"match,omitempty"`
	Path  []tracking.PathPoint `json:"path"`
}

// scanBestFace is a track's best face.
type scanBestFace struct {
	Frame      int                  `json:"frame"`
	Time       time.Duration        `json:"time_ns"`
	Box        facedata.Rect        `json:"box"`
	Score      float32              `json:"score"`
	Quality    facedata.Quality     `json:"quality"`
	Descriptor *facedata.Descriptor `json:"descriptor,omitempty"`
	Cohort     facedata.CohortStats `json:"cohort,omitzero"`
}

// scanSourceRecord sums up one source, one JSON line.
type scanSourceRecord struct {
	Type            string                `json:"type"` // "source"
	Source          string                `json:"source"`
	Kind            media.Kind            `json:"kind,omitempty"`
	Container       string                `json:"container,omitempty"`
	Width           int                   `json:"width,omitempty"`
	Height          int                   `json:"height,omitempty"`
	FPS             float64               `json:"fps,omitempty"`
	FrameCount      int                   `json:"frame_count,omitempty"`
	Detector        facedata.DetectorName `json:"detector,omitempty"`
	MinFace         int                   `json:"min_face,omitempty"`
	Every           int                   `json:"every,omitempty"`
	Frames          int                   `json:"frames"`
	DetectionFrames int                   `json:"detection_frames"`
	Detections      int                   `json:"detections"`
	Tracks          int                   `json:"tracks"`
	People          int                   `json:"people,omitempty"`
	PersonTracks    int                   `json:"person_tracks,omitempty"`
	MostPeople      int                   `json:"most_people_in_a_frame,omitempty"`
	Broken          int                   `json:"broken_frames,omitempty"`
	Missing         int                   `json:"missing_frames,omitempty"`
	Dropped         int                   `json:"dropped_frames,omitempty"`
	Reconnects      int                   `json:"reconnects,omitempty"`
	Elapsed         time.Duration         `json:"elapsed_ns"`
	ProcessedFPS    float64               `json:"processed_fps"`
	Cancelled       bool                  `json:"cancelled,omitempty"`
	Error           string                `json:"error,omitempty"`
}

// jsonSink writes every record as a JSON line.
type jsonSink struct{ enc *json.Encoder }

func newJSONSink(w io.Writer) *jsonSink { return &jsonSink{enc: json.NewEncoder(w)} }

func (s *jsonSink) BeginSource(media.Info) error { return nil }

func (s *jsonSink) Detections(info media.Info, dets []media.ScanDetection) error {
	for _, d := range dets {
		f := d.Face
		rec := scanDetectionRecord{Type: "detection", Source: info.URI, Frame: d.At.Index, Time: d.At.Time,
			TrackID: d.TrackID, PersonID: d.PersonID, Box: f.Box, Score: f.Score, Detector: f.Detector, Landmarks: f.Landmarks,
			Quality: f.Quality, Descriptor: f.Descriptor, Cohort: f.Cohort}
		if err := s.enc.Encode(rec); err != nil {
			return fmt.Errorf("write detection: %w", err)
		}
	}
	return nil
}

func (s *jsonSink) Track(info media.Info, t tracking.Track, match *watchMatch) error {
	rec := scanTrackRecord{
		Type: "track", Source: info.URI, TrackID: t.ID,
		Color:      fmt.Sprintf("#%02x%02x%02x", t.Color.R, t.Color.G, t.Color.B),
		FirstFrame: t.First.Index, LastFrame: t.Last.Index, FirstTime: t.First.Time, LastTime: t.Last.Time,
		Detections: t.Detections,
		Best: scanBestFace{Frame: t.BestAt.Index, Time: t.BestAt.Time, Box: t.Best.Box, Score: t.Best.Score,
			Quality: t.Best.Quality, Descriptor: t.Best.Descriptor, Cohort: t.Best.Cohort},
		Match: match,
		Path:  t.Path,
	}
	if err := s.enc.Encode(rec); err != nil {
		return fmt.Errorf("write track: %w", err)
	}
	return nil
}

func (s *jsonSink) EndSource(_ media.Info, rec scanSourceRecord) error {
	rec.Type = "source"
	if err := s.enc.Encode(rec); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

func (s *jsonSink) Close() error { return nil }
