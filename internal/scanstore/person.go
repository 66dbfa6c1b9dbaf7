package scanstore

import (
	"fmt"
	"sort"

	"facecase/casefile"
	"facecase/tracking"
)

// PersonTrackOf is the record of a person tracker's track in an evidence
// item (its face links resolved to face track ids).
func PersonTrackOf(evidenceID uint64, t tracking.PersonTrack) casefile.PersonTrack {
	p := casefile.PersonTrack{EvidenceID: evidenceID, ID: uint64(t.ID),
		FirstFrame: uint32(t.First.Index), LastFrame: uint32(t.Last.Index),
		Path: make([]casefile.TrackPoint, 0, len(t.Path)),
		Body: casefile.PersonView{Frame: uint32(t.BodyAt.Index), Time: t.BodyAt.Time, Box: t.BodyBox}}
	for _, pt := range t.Path {
		p.Path = append(p.Path, casefile.TrackPoint{Frame: uint32(pt.Frame), Time: pt.Time, Box: pt.Box})
	}
	faceID := map[int]int{}
	for _, f := range t.Faces {
		if f.FaceID == 0 {
			continue
		}
		faceID[f.Key] = f.FaceID
		p.Faces = append(p.Faces, casefile.PersonFace{TrackID: uint64(f.FaceID), Frames: uint32(f.Frames),
			FirstFrame: uint32(f.First.Index), LastFrame: uint32(f.Last.Index)})
	}
	if t.HasBest {
		p.BestFace = &casefile.PersonView{Frame: uint32(t.BestAt.Index), Time: t.BestAt.Time, Box: t.Best.Box,
			FaceTrackID: uint64(faceID[t.BestFaceKey])}
	}
	return p
}

// PutPersonTrack stores a person track the tracker has ended; pass it as
// media.ScanOptions.OnPersonTrack. As for face tracks, the first cut after
// its last frame is the one that ended it.
func (w *Writer) PutPersonTrack(t tracking.PersonTrack) error {
	p := PersonTrackOf(w.evidenceID, t)
	if k := sort.SearchInts(w.cuts, t.Last.Index+1); k < len(w.cuts) {
		p.CutFrame = uint32(w.cuts[k])
	}
	if err := w.c.PutPersonTrack(p); err != nil {
		return fmt.Errorf("store person track %d of evidence %d: %w", t.ID, w.evidenceID, err)
	}
	w.people++
	return nil
}

// People is the number of person tracks stored so far.
func (w *Writer) People() int { return w.people }
