package tracking

import (
	"math"

	"facecase/facedata"
)

// AttachFaces ties the faces found in frame s (with the face tracker's
// assignments for them) to the people followed at s, and returns for each
// face the key of the person track it went to (0: none). Call it after
// Update or Predict for frame s.
//
// A face track belongs to one person at a time: once attached, its faces
// go to that person for as long as the person track is followed, even in
// frames where the person's box has drifted off the face (the face
// tracker says it is the same face). Only when that person track ends (or
// is dropped unconfirmed) may another person take the face track, so the
// spans during which a face track is on different people never overlap.
//
// A face of a track that belongs to nobody goes to a person whose upper
// body (Rect.UpperBody) holds the face's centre and whose width could
// carry it (the face no wider than the body box). When several people
// could, the one whose head would be where the face is wins: faces and
// people are paired one to one by the Hungarian algorithm on that cost,
// people who already took a face in this frame left out. Each person keeps
// the best face attached to it for searching (BetterFace).
func (t *PersonTracker) AttachFaces(s Stamp, faces []facedata.Face, as []Assignment) []int {
	out := make([]int, len(faces))
	if len(faces) == 0 || len(t.tracks) == 0 {
		return out
	}
	faceKey := func(fi int) int {
		if fi < len(as) {
			return as[fi].Key
		}
		return 0
	}
	taken := make([]bool, len(t.tracks))
	var free []int
	for fi := range faces {
		ti := t.faceOwnerIndex(faceKey(fi))
		switch {
		case ti < 0:
			free = append(free, fi)
		case !taken[ti]:
			taken[ti] = true
			t.tracks[ti].attach(s, &faces[fi], faceKey(fi))
			out[fi] = t.tracks[ti].key
		}
		// An owned face whose person already took another of its face
		// tracks in this frame stays unattached here: it is still theirs.
	}
	if len(free) == 0 {
		return out
	}
	cost := make([][]float64, len(free))
	for k, fi := range free {
		cost[k] = make([]float64, len(t.tracks))
		for ti, tr := range t.tracks {
			cost[k][ti] = math.Inf(1)
			if !taken[ti] {
				cost[k][ti] = faceOnPersonCost(&faces[fi], tr)
			}
		}
	}
	for k, ti := range assign(cost) {
		if ti < 0 {
			continue
		}
		fi, tr := free[k], t.tracks[ti]
		key := faceKey(fi)
		tr.attach(s, &faces[fi], key)
		if key != 0 {
			t.faceOwner[key] = tr.key
		}
		out[fi] = tr.key
	}
	return out
}

// faceOwnerIndex is the index in t.tracks of the person the face track
// with the given key belongs to, or -1 when it belongs to no one still
// followed (a stale owner is forgotten).
func (t *PersonTracker) faceOwnerIndex(faceKey int) int {
	if faceKey == 0 {
		return -1
	}
	owner, ok := t.faceOwner[faceKey]
	if !ok {
		return -1
	}
	for ti, tr := range t.tracks {
		if tr.key == owner {
			return ti
		}
	}
	delete(t.faceOwner, faceKey)
	return -1
}

// faceOnPersonCost is how unlikely face f is to be tr's: the distance from
// the face centre to where the person's head would be (a tenth of the
// height below the top of the box), in person heights; +Inf when the upper
// body does not hold the face.
func faceOnPersonCost(f *facedata.Face, tr *livePerson) float64 {
	body := tr.Box
	c := f.Box.Center()
	if body.H <= 0 || !body.Holds(f.Box) {
		return math.Inf(1)
	}
	head := facedata.Point{X: body.X + body.W/2, Y: body.Y + 0.1*body.H}
	return dist(c, head)/body.H + 0.1 // keep every allowed pair's cost positive
}

// attach records face f (of face track faceKey) on the person.
func (tr *livePerson) attach(s Stamp, f *facedata.Face, faceKey int) {
	if faceKey != 0 {
		i, ok := tr.faceIndex[faceKey]
		if !ok {
			i = len(tr.Faces)
			tr.faceIndex[faceKey] = i
			tr.Faces = append(tr.Faces, FaceLink{Key: faceKey, First: s})
		}
		tr.Faces[i].Frames++
		tr.Faces[i].Last = s
	}
	if !tr.HasBest || BetterFace(f, &tr.Best) {
		tr.Best, tr.BestAt, tr.BestFaceKey, tr.HasBest = *f, s, faceKey, true
	}
}
