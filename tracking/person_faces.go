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
// A face belongs to a person whose upper body (Rect.UpperBody) holds the
// face's centre and whose width could carry it (the face no wider than the
// body box). When several people could, the one whose head would be where
// the face is wins, and a person the face track is already attached to is
// preferred: faces and people are paired one to one by the Hungarian
// algorithm on that cost. Each person keeps the best face attached to it
// for searching (BetterFace).
func (t *PersonTracker) AttachFaces(s Stamp, faces []facedata.Face, as []Assignment) []int {
	out := make([]int, len(faces))
	if len(faces) == 0 || len(t.tracks) == 0 {
		return out
	}
	cost := make([][]float64, len(faces))
	for fi := range faces {
		cost[fi] = make([]float64, len(t.tracks))
		key := 0
		if fi < len(as) {
			key = as[fi].Key
		}
		for ti, tr := range t.tracks {
			cost[fi][ti] = faceOnPersonCost(&faces[fi], tr, key)
		}
	}
	for fi, ti := range assign(cost) {
		if ti < 0 {
			continue
		}
		tr := t.tracks[ti]
		key := 0
		if fi < len(as) {
			key = as[fi].Key
		}
		tr.attach(s, &faces[fi], key)
		out[fi] = tr.key
	}
	return out
}

// faceOnPersonCost is how unlikely face f is to be tr's: the distance from
// the face centre to where the person's head would be (a tenth of the
// height below the top of the box), in person heights, less a bonus when
// the face track is already attached; +Inf when the upper body does not
// hold the face.
func faceOnPersonCost(f *facedata.Face, tr *livePerson, faceKey int) float64 {
	body := tr.Box
	c := f.Box.Center()
	if body.H <= 0 || !body.Holds(f.Box) {
		return math.Inf(1)
	}
	head := facedata.Point{X: body.X + body.W/2, Y: body.Y + 0.1*body.H}
	cost := dist(c, head) / body.H
	if _, ok := tr.faceIndex[faceKey]; ok && faceKey != 0 {
		cost -= 0.1
	}
	return cost + 0.1 // keep every allowed pair's cost positive
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
