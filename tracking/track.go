package tracking

import (
	"image/color"
	"time"

	"facecase/facedata"
)

// Stamp says which frame the tracker is looking at.
type Stamp struct {
	// Index is the frame's position in its source (0-based).
	Index int
	// Time is the frame's timestamp from the start of the source.
	Time time.Duration
}

// PathPoint is where a track's face was in one frame.
type PathPoint struct {
	Frame int           `json:"frame"`
	Time  time.Duration `json:"time_ns"`
	Box   facedata.Rect `json:"box"`
	// Detected is false for frames where the face was not detected (not
	// run, occluded, missed) and the box is interpolated between the
	// detections on either side.
	Detected bool `json:"detected"`
}

// Center is the middle of the box: the point drawn for the path.
func (p PathPoint) Center() facedata.Point { return p.Box.Center() }

// Track is one person followed through a source, as reported by the
// tracker. Values returned by the tracker are snapshots: the tracker does
// not change them afterwards (Path shares memory with the live track but
// its points are never rewritten), so they can be read on another
// goroutine.
type Track struct {
	// ID is unique within one tracker, counting from 1 in order of
	// confirmation.
	ID int `json:"id"`
	// Color is the track's colour for boxes and path dots (Color(ID)).
	Color color.RGBA `json:"-"`
	// First and Last are the first and last frames the face was detected in.
	First Stamp `json:"first"`
	Last  Stamp `json:"last"`
	// Box is the current estimate of the face box: the filtered detection
	// on frames with one, the motion prediction in between.
	Box facedata.Rect `json:"box"`
	// Visible is true when the face was detected in the latest detection
	// round.
	Visible bool `json:"-"`
	// Detections counts the frames the face was detected in.
	Detections int `json:"detections"`
	// Path has one point per frame from First to Last.
	Path []PathPoint `json:"path"`
	// Best is the best face for searching seen so far (see BetterFace),
	// and BestAt the frame it was seen in.
	Best   facedata.Face `json:"best"`
	BestAt Stamp         `json:"best_at"`
	// Descriptors are the track's most recent descriptors from faces that
	// did not overlap others (at most Config.AppearanceHistory).
	Descriptors []facedata.Descriptor `json:"-"`
}

// BetterFace reports whether face a is better than b for searching: a
// usable face beats an unusable one; then the larger face (inter-ocular
// distance, or box size when no landmarks were measured); then the sharper.
func BetterFace(a, b *facedata.Face) bool {
	if a.Quality.Usable != b.Quality.Usable {
		return a.Quality.Usable
	}
	sa, sb := faceSize(a), faceSize(b)
	if sa != sb {
		return sa > sb
	}
	return a.Quality.Sharpness > b.Quality.Sharpness
}

// faceSize is the inter-ocular distance, or its usual share of the box
// width (about 0.4 for detector boxes) when landmarks were not measured.
func faceSize(f *facedata.Face) float64 {
	if f.Quality.Size > 0 {
		return f.Quality.Size
	}
	return 0.4 * f.Box.W
}
