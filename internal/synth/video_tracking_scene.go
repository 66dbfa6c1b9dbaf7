package synth

import (
	"fmt"
	"image"
	"math"
)

// TrackingSceneFrames is the length of TrackingScene: 6 s at 25 fps.
const TrackingSceneFrames = 150

// TrackingSceneHiddenFrames is how many frames actor 3 of TrackingScene is
// completely hidden behind the occluder.
const TrackingSceneHiddenFrames = 10

// TrackingScene is the standard scene for tracking tests, at any size: five
// different people (the first crop of five identities) over 150 frames.
//
//   - Actors 1 and 2 walk across the upper third in opposite directions,
//     entering and leaving through the side edges, and cross mid-way
//     (2 passes in front of 1).
//   - Actor 3 walks along the bottom and a vehicle passing in front hides
//     the face completely for TrackingSceneHiddenFrames frames (a fast
//     occluder, so the face is undetectable for little longer than that).
//   - Actor 4 enters from the top edge, comes down fast, then slows.
//   - Actor 5 walks right and leaves through the right edge, crossing
//     behind actor 4 on the way.
//
// The scene has two crossings (CrossingPairs).
func TrackingScene(crops []Crop, width, height int) (VideoScene, error) {
	picks := distinctIdentities(crops, 5)
	if len(picks) < 5 {
		return VideoScene{}, fmt.Errorf("tracking scene: need crops of 5 people, have %d", len(picks))
	}
	w, h := float64(width), float64(height)
	s := math.Round(0.14 * h) // face side
	const n = TrackingSceneFrames
	// Actor 3 walks right at vC; the vehicle drives left so that the two
	// pass each other at relative speed vR, centres meeting at frame meet.
	// It covers the face completely while its far edges are beyond the
	// face's: for (length-s)/vR frames.
	vC := 0.6 * w / float64(n-1)
	cY := 0.75 * h
	vR := 30 * w / 640
	vV := vR - vC
	const meet = 70
	length := s + TrackingSceneHiddenFrames*vR
	meetX := 0.1*w + vC*meet
	van := func(f int) image.Rectangle {
		x := meetX - vV*float64(f-meet)
		return image.Rect(int(math.Round(x-length/2)), int(math.Round(cY-0.6*s)),
			int(math.Round(x+length/2)), int(math.Round(cY+0.6*s)))
	}
	enter := meet - int(math.Ceil((w+length/2-meetX)/vV))
	leave := meet + int(math.Ceil((meetX+length/2)/vV))
	actor := func(id, depth int, keys ...Key) Actor {
		c := picks[id-1]
		return Actor{ID: id, Crop: c, Identity: crops[c].Identity, Depth: depth, Keys: keys}
	}
	scene := VideoScene{
		Width: width, Height: height, Frames: n, FPS: 25, Seed: 11,
		Occluders: []Occluder{{From: enter, To: leave, Start: van(enter), End: van(leave)}},
		Actors: []Actor{
			actor(1, 1, Key{0, -0.5 * s, 0.28 * h, s}, Key{n - 1, w + 0.5*s, 0.28 * h, s}),
			actor(2, 2, Key{10, w + 0.5*s, 0.30 * h, s}, Key{n - 1, -0.5 * s, 0.30 * h, s}),
			actor(3, 1, Key{0, 0.1 * w, cY, s}, Key{n - 1, 0.7 * w, cY, s}),
			actor(4, 3, Key{30, 0.82 * w, -0.5 * s, 0.95 * s}, Key{97, 0.82 * w, 0.5 * h, s}, Key{n - 1, 0.82 * w, 0.8 * h, 1.1 * s}),
			actor(5, 2, Key{0, 0.3 * w, 0.5 * h, s}, Key{140, w + 0.5*s, 0.5 * h, s}),
		},
	}
	return scene, scene.Validate(crops)
}

// CrossingPairs counts the pairs of actors whose face squares overlap in
// at least one frame.
func (s *VideoScene) CrossingPairs() int {
	n := 0
	for i := range s.Actors {
		for j := i + 1; j < len(s.Actors); j++ {
			for f := 0; f < s.Frames; f++ {
				a, okA := s.Actors[i].At(f)
				b, okB := s.Actors[j].At(f)
				if okA && okB && a.Overlaps(b) {
					n++
					break
				}
			}
		}
	}
	return n
}

// distinctIdentities returns the index of the first crop of up to n
// different people.
func distinctIdentities(crops []Crop, n int) []int {
	var out []int
	seen := map[string]bool{}
	for i, c := range crops {
		if !seen[c.Identity] {
			seen[c.Identity] = true
			out = append(out, i)
			if len(out) == n {
				break
			}
		}
	}
	return out
}
