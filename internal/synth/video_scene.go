package synth

import (
	"fmt"
	"image"
	"math"
)

// VideoScene describes a synthetic video: real face crops moving along known
// paths over a cluttered background, with occluders (signs, passing
// vehicles) drawn in front of everything. It is pure data: Truth gives the ground truth of
// any frame and a VideoRenderer draws it.
type VideoScene struct {
	Width, Height int
	Frames        int
	FPS           float64
	Actors        []Actor
	// Occluders are drawn over every face.
	Occluders []Occluder
	// Seed fixes the background.
	Seed int64
}

// Actor is one face in a VideoScene.
type Actor struct {
	// ID is the ground-truth identity of the track (unique in the scene).
	ID int
	// Crop is the index of the face crop drawn (into the crops the scene
	// is rendered with); Identity is that crop's person, for reports.
	Crop     int
	Identity string
	// Keys are the face's centre and size at key frames, in increasing
	// frame order; positions in between are interpolated linearly. The
	// face exists from the first key frame to the last, and may move in
	// from or out past the image border.
	Keys []Key
	// Depth orders faces: a higher depth is nearer the camera and drawn
	// over lower ones.
	Depth int
}

// Key is an actor's face centre and side length at one frame.
type Key struct {
	Frame      int
	X, Y, Size float64
}

// Occluder is a non-face object in front of the faces: a rectangle that
// moves linearly from Start at frame From to End at frame To (a sign when
// Start equals End) and exists only in those frames.
type Occluder struct {
	From, To   int
	Start, End image.Rectangle
}

// At is the occluder's rectangle at frame f, and whether it exists then.
func (o *Occluder) At(f int) (image.Rectangle, bool) {
	if f < o.From || f > o.To {
		return image.Rectangle{}, false
	}
	t := 0.0
	if o.To > o.From {
		t = float64(f-o.From) / float64(o.To-o.From)
	}
	lerp := func(p, q int) int { return int(math.Round(float64(p) + float64(q-p)*t)) }
	return image.Rect(lerp(o.Start.Min.X, o.End.Min.X), lerp(o.Start.Min.Y, o.End.Min.Y),
		lerp(o.Start.Max.X, o.End.Max.X), lerp(o.Start.Max.Y, o.End.Max.Y)), true
}

// TruthBox is one face's ground truth in one frame.
type TruthBox struct {
	ID       int
	Identity string
	// Box is the face square clipped to the image.
	Box image.Rectangle
	// Visible is the fraction of the whole face square that can be seen:
	// inside the image and not covered by an occluder or a nearer face.
	Visible float64
}

// At is the actor's face square at frame f, and whether the actor exists
// then.
func (a *Actor) At(f int) (image.Rectangle, bool) {
	if len(a.Keys) == 0 || f < a.Keys[0].Frame || f > a.Keys[len(a.Keys)-1].Frame {
		return image.Rectangle{}, false
	}
	k0, k1 := a.Keys[0], a.Keys[0]
	for i := 1; i < len(a.Keys); i++ {
		k1 = a.Keys[i]
		if f <= k1.Frame {
			break
		}
		k0 = k1
	}
	t := 0.0
	if k1.Frame > k0.Frame {
		t = float64(f-k0.Frame) / float64(k1.Frame-k0.Frame)
	}
	lerp := func(p, q float64) float64 { return p + (q-p)*t }
	x, y, s := lerp(k0.X, k1.X), lerp(k0.Y, k1.Y), lerp(k0.Size, k1.Size)
	x0, y0 := int(math.Round(x-s/2)), int(math.Round(y-s/2))
	side := int(math.Round(s))
	return image.Rect(x0, y0, x0+side, y0+side), true
}

// Validate checks the scene is drawable.
func (s *VideoScene) Validate(crops []Crop) error {
	if s.Width <= 0 || s.Height <= 0 || s.Frames <= 0 || s.FPS <= 0 {
		return fmt.Errorf("video scene: bad size %dx%d, %d frames at %g fps", s.Width, s.Height, s.Frames, s.FPS)
	}
	ids := map[int]bool{}
	for _, a := range s.Actors {
		if ids[a.ID] {
			return fmt.Errorf("video scene: actor id %d used twice", a.ID)
		}
		ids[a.ID] = true
		if a.Crop < 0 || a.Crop >= len(crops) {
			return fmt.Errorf("video scene: actor %d uses crop %d of %d", a.ID, a.Crop, len(crops))
		}
		if len(a.Keys) == 0 {
			return fmt.Errorf("video scene: actor %d has no key frames", a.ID)
		}
		for i := 1; i < len(a.Keys); i++ {
			if a.Keys[i].Frame < a.Keys[i-1].Frame {
				return fmt.Errorf("video scene: actor %d key frames out of order", a.ID)
			}
		}
	}
	return nil
}

// Truth is the ground truth of frame f: every actor that exists then, with
// the visible fraction of its face. Faces wholly outside the image are
// left out.
func (s *VideoScene) Truth(f int) []TruthBox {
	bounds := image.Rect(0, 0, s.Width, s.Height)
	var out []TruthBox
	for i := range s.Actors {
		a := &s.Actors[i]
		box, ok := a.At(f)
		if !ok || !box.Overlaps(bounds) || box.Empty() {
			continue
		}
		var covers []image.Rectangle
		for k := range s.Occluders {
			if o, ok := s.Occluders[k].At(f); ok {
				covers = append(covers, o)
			}
		}
		for j := range s.Actors {
			b := &s.Actors[j]
			if b.Depth > a.Depth {
				if bb, ok := b.At(f); ok {
					covers = append(covers, bb)
				}
			}
		}
		out = append(out, TruthBox{
			ID: a.ID, Identity: a.Identity,
			Box:     box.Intersect(bounds),
			Visible: visibleFraction(box, bounds, covers),
		})
	}
	return out
}

// visibleFraction counts the pixels of box inside bounds and outside every
// cover, as a fraction of the box.
func visibleFraction(box, bounds image.Rectangle, covers []image.Rectangle) float64 {
	total := box.Dx() * box.Dy()
	if total == 0 {
		return 0
	}
	seen := 0
	in := box.Intersect(bounds)
	for y := in.Min.Y; y < in.Max.Y; y++ {
		for x := in.Min.X; x < in.Max.X; x++ {
			p := image.Pt(x, y)
			hidden := false
			for _, c := range covers {
				if p.In(c) {
					hidden = true
					break
				}
			}
			if !hidden {
				seen++
			}
		}
	}
	return float64(seen) / float64(total)
}
