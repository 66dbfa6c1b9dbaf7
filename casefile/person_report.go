package casefile

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ReportPerson is a person track as the export report lists it: where and
// when the person was followed, the face tracks seen on them, and who they
// are according to the reviews of their faces' searches.
type ReportPerson struct {
	EvidenceID uint64
	ID         uint64
	FirstFrame uint32
	LastFrame  uint32
	FirstTime  time.Duration
	LastTime   time.Duration
	// PathLength is the distance walked, in frame pixels.
	PathLength float64
	FaceTracks []uint64
	// Confirmed lists the subjects confirmed by review for a face of the
	// person; Candidates counts the candidates of their faces' searches
	// awaiting or without a decision (rejected ones left out).
	Confirmed  []string
	Candidates int
}

// readReportPeople lists every person track with its identity as the
// reviews of its faces' searches give it.
func readReportPeople(tx *bolt.Tx, v *caseView) ([]ReportPerson, error) {
	b := tx.Bucket(bucketPersons)
	if b == nil {
		return nil, nil
	}
	// The face track of each search's probe, by evidence.
	type faceKey struct{ evidence, track uint64 }
	bySearch := map[faceKey][]ManifestSearch{}
	for _, s := range v.searches {
		if s.Probe.DetectionID == 0 {
			continue
		}
		d, err := readDetection(tx, s.Probe.DetectionID)
		if err != nil || d.TrackID == 0 {
			continue
		}
		k := faceKey{d.EvidenceID, d.TrackID}
		bySearch[k] = append(bySearch[k], s)
	}
	var out []ReportPerson
	err := b.ForEach(func(k, raw []byte) error {
		var p PersonTrack
		if err := json.Unmarshal(raw, &p); err != nil {
			return fmt.Errorf("%w: person track %x: %v", ErrCorrupt, k, err)
		}
		rp := ReportPerson{EvidenceID: p.EvidenceID, ID: p.ID, FirstFrame: p.FirstFrame, LastFrame: p.LastFrame, PathLength: p.PathLength()}
		if n := len(p.Path); n > 0 {
			rp.FirstTime, rp.LastTime = p.Path[0].Time, p.Path[n-1].Time
		}
		confirmed := map[string]bool{}
		for _, f := range p.Faces {
			rp.FaceTracks = append(rp.FaceTracks, f.TrackID)
			for _, s := range bySearch[faceKey{p.EvidenceID, f.TrackID}] {
				for i, st := range s.Statuses {
					switch st.Status {
					case StatusConfirmed:
						confirmed[s.Candidates[i].Label] = true
					case StatusRejected:
					default:
						rp.Candidates++
					}
				}
			}
		}
		for l := range confirmed {
			rp.Confirmed = append(rp.Confirmed, l)
		}
		sort.Strings(rp.Confirmed)
		out = append(out, rp)
		return nil
	})
	return out, err
}
