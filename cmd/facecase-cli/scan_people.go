package main

import (
	"fmt"
	"time"

	"facecase/facedata"
	"facecase/media"
	"facecase/tracking"
)

// scanPersonRecord is one person found in one frame, one JSON line.
type scanPersonRecord struct {
	Type     string        `json:"type"` // "person"
	Source   string        `json:"source"`
	Frame    int           `json:"frame"`
	Time     time.Duration `json:"time_ns"`
	PersonID int           `json:"person_id"` // 0: never confirmed
	Box      facedata.Rect `json:"box"`
	// Foot is where the person stands: the bottom centre of the box.
	Foot     facedata.Point              `json:"foot"`
	Score    float32                     `json:"score"`
	Detector facedata.PersonDetectorName `json:"detector"` // facedata.PersonFromFace: inferred from a face
}

// scanPersonTrackRecord is one finished person track, one JSON line.
type scanPersonTrackRecord struct {
	Type       string        `json:"type"` // "person_track"
	Source     string        `json:"source"`
	PersonID   int           `json:"person_id"`
	Color      string        `json:"color"`
	FirstFrame int           `json:"first_frame"`
	LastFrame  int           `json:"last_frame"`
	FirstTime  time.Duration `json:"first_time_ns"`
	LastTime   time.Duration `json:"last_time_ns"`
	Detections int           `json:"detections"`
	// PathLength is the distance walked by the foot point, in pixels.
	PathLength float64 `json:"path_length"`
	// FaceTrackIDs are the face tracks (track_id of the face records)
	// seen on the person; Faces says how often and when.
	FaceTrackIDs []int             `json:"face_track_ids"`
	Faces        []scanPersonFace  `json:"faces,omitempty"`
	BestFace     *scanPersonView   `json:"best_face,omitempty"`
	Body         scanPersonView    `json:"body"`
	Path         []scanPersonPoint `json:"path"`
}

// scanPersonFace is a face track seen on a person.
type scanPersonFace struct {
	TrackID    int `json:"track_id"`
	Frames     int `json:"frames"`
	FirstFrame int `json:"first_frame"`
	LastFrame  int `json:"last_frame"`
}

// scanPersonView is a frame where the person (or their face) was seen well.
type scanPersonView struct {
	Frame   int           `json:"frame"`
	Time    time.Duration `json:"time_ns"`
	Box     facedata.Rect `json:"box"`
	TrackID int           `json:"track_id,omitempty"` // the face's track
}

// scanPersonPoint is the person in one frame of their path.
type scanPersonPoint struct {
	Frame    int            `json:"frame"`
	Time     time.Duration  `json:"time_ns"`
	Box      facedata.Rect  `json:"box"`
	Foot     facedata.Point `json:"foot"`
	Detected bool           `json:"detected"`
}

func (s *jsonSink) People(info media.Info, people []media.ScanPerson) error {
	for _, p := range people {
		rec := scanPersonRecord{Type: "person", Source: info.URI, Frame: p.At.Index, Time: p.At.Time,
			PersonID: p.TrackID, Box: p.Person.Box, Foot: p.Person.Box.Foot(), Score: p.Person.Score, Detector: p.Person.Detector}
		if err := s.enc.Encode(rec); err != nil {
			return fmt.Errorf("write person: %w", err)
		}
	}
	return nil
}

func (s *jsonSink) PersonTrack(info media.Info, p tracking.PersonTrack) error {
	rec := scanPersonTrackRecord{Type: "person_track", Source: info.URI, PersonID: p.ID,
		Color:      fmt.Sprintf("#%02x%02x%02x", p.Color.R, p.Color.G, p.Color.B),
		FirstFrame: p.First.Index, LastFrame: p.Last.Index, FirstTime: p.First.Time, LastTime: p.Last.Time,
		Detections: p.Detections, PathLength: p.PathLength(), FaceTrackIDs: []int{},
		Body: scanPersonView{Frame: p.BodyAt.Index, Time: p.BodyAt.Time, Box: p.BodyBox},
		Path: make([]scanPersonPoint, 0, len(p.Path))}
	faceID := map[int]int{}
	for _, f := range p.Faces {
		faceID[f.Key] = f.FaceID
		rec.FaceTrackIDs = append(rec.FaceTrackIDs, f.FaceID)
		rec.Faces = append(rec.Faces, scanPersonFace{TrackID: f.FaceID, Frames: f.Frames, FirstFrame: f.First.Index, LastFrame: f.Last.Index})
	}
	if p.HasBest {
		rec.BestFace = &scanPersonView{Frame: p.BestAt.Index, Time: p.BestAt.Time, Box: p.Best.Box, TrackID: faceID[p.BestFaceKey]}
	}
	for _, pt := range p.Path {
		rec.Path = append(rec.Path, scanPersonPoint{Frame: pt.Frame, Time: pt.Time, Box: pt.Box, Foot: pt.Box.Foot(), Detected: pt.Detected})
	}
	if err := s.enc.Encode(rec); err != nil {
		return fmt.Errorf("write person track: %w", err)
	}
	return nil
}

// People: a case keeps person tracks (with their paths), not every
// person box.
func (s *caseScanSink) People(media.Info, []media.ScanPerson) error { return nil }

// PersonTrack stores a finished person track.
func (s *caseScanSink) PersonTrack(info media.Info, p tracking.PersonTrack) error {
	if err := s.flush(); err != nil {
		return err
	}
	if s.w == nil {
		return fmt.Errorf("%s: a person track for a source that was not added to the case", info.URI)
	}
	return s.w.PutPersonTrack(p)
}
