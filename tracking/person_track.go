package tracking

import (
	"image/color"

	"facecase/facedata"
)

// PersonTrack is one whole person followed through a source, as reported
// by the person tracker: their box and path, the face tracks that belong
// to them and the best face to search with. Values returned by the tracker
// are snapshots, as for Track.
type PersonTrack struct {
	// ID is unique among one tracker's person tracks, counting from 1 in
	// order of confirmation (face and person ids are separate series).
	ID int `json:"id"`
	// Color is the track's colour (PersonColor(ID)).
	Color color.RGBA `json:"-"`
	// First and Last are the first and last frames the person was
	// detected in.
	First Stamp `json:"first"`
	Last  Stamp `json:"last"`
	// Box is the current estimate of the person box.
	Box facedata.Rect `json:"box"`
	// Visible is true when the person was detected in the latest round.
	Visible bool `json:"-"`
	// Detections counts the frames the person was detected in.
	Detections int `json:"detections"`
	// Path has one point per frame from First to Last: the person box,
	// interpolated between detections. The path is drawn through the foot
	// points (Rect.Foot).
	Path []PathPoint `json:"path"`
	// Faces are the face tracks seen on this person, in order of their
	// first attachment.
	Faces []FaceLink `json:"faces,omitempty"`
	// Best is the best face for searching among the faces attached to the
	// person (see BetterFace), BestAt the frame it was seen in and
	// BestFaceKey the face track it belongs to; HasBest is false while no
	// face was attached.
	Best        facedata.Face `json:"best"`
	BestAt      Stamp         `json:"best_at"`
	BestFaceKey int           `json:"best_face_key,omitempty"`
	HasBest     bool          `json:"has_best"`
	// BodyAt and BodyBox are the frame and box of the best body view (the
	// tallest confident detection), the thumbnail when no face was seen.
	BodyAt  Stamp         `json:"body_at"`
	BodyBox facedata.Rect `json:"body_box"`
}

// FaceLink is a face track seen on a person track.
type FaceLink struct {
	// Key is the face tracker's key of the face track (Assignment.Key);
	// FaceID its id once known (0 while unknown or when the face track was
	// never confirmed). Callers that know the face tracker fill FaceID in
	// (see ResolveFaceIDs).
	Key    int `json:"key"`
	FaceID int `json:"face_id"`
	// Frames counts the face detections attached; First and Last bound
	// them.
	Frames int   `json:"frames"`
	First  Stamp `json:"first"`
	Last   Stamp `json:"last"`
}

// ResolveFaceIDs fills in the face ids of t's links with idOf (a face
// Tracker's IDOf, or a map of ended tracks), keeping links whose face track
// was confirmed, and returns t.
func (t PersonTrack) ResolveFaceIDs(idOf func(key int) int) PersonTrack {
	links := make([]FaceLink, 0, len(t.Faces))
	for _, l := range t.Faces {
		if l.FaceID == 0 {
			l.FaceID = idOf(l.Key)
		}
		if l.FaceID != 0 {
			links = append(links, l)
		}
	}
	t.Faces = links
	return t
}

// PathLength is the distance the person's foot point travelled along the
// path, in frame pixels.
func (t PersonTrack) PathLength() float64 {
	var d float64
	for i := 1; i < len(t.Path); i++ {
		a, b := t.Path[i-1].Box.Foot(), t.Path[i].Box.Foot()
		d += dist(a, b)
	}
	return d
}

// personColorOffset shifts person ids in the colour sequence so that a
// person and a face track with the same number are told apart.
const personColorOffset = 1000

// PersonColor is the colour of person track id, from the same sequence as
// face tracks' colours (Color) but a different part of it.
func PersonColor(id int) color.RGBA { return Color(id + personColorOffset) }
