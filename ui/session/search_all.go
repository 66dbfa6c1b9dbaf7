package session

import (
	"context"
	"fmt"
	"sort"
	"time"

	"facecase/casefile"
	"facecase/progress"
)

// SearchAllOutcome counts what SearchAll did.
type SearchAllOutcome struct {
	// Searched faces, WithCandidates of them returned candidates.
	Searched, WithCandidates int
	// Unusable faces were left out (poor quality or no descriptor);
	// Already searched against the current watchlist were not searched
	// again.
	Unusable, Already int
}

func (o SearchAllOutcome) String() string {
	return fmt.Sprintf("%s searched, %d with candidates; %s left out as unusable, %d already searched against this watchlist",
		plural(o.Searched, "face"), o.WithCandidates, plural(o.Unusable, "face"), o.Already)
}

// SearchAll searches the watchlist with every usable face of the evidence
// items given (every item of the case when ids is empty): each usable face
// of a photo, and each track's best face in a video (the faces of a track
// are one person). Each search is stored and audited like a single one;
// faces already searched against the current watchlist are not searched
// again. Progress counts faces; cancelling keeps the searches made.
func (s *Session) SearchAll(ctx context.Context, ids []uint64, rep progress.Reporter) (SearchAllOutcome, error) {
	var out SearchAllOutcome
	if rep == nil {
		rep = progress.Discard
	}
	probes, unusable, err := s.searchProbes(ids)
	if err != nil {
		return out, err
	}
	out.Unusable = unusable
	if len(probes) > 0 {
		if enrolled, err := s.Enrolments(0); err != nil {
			return out, err
		} else if len(enrolled) == 0 {
			return out, fmt.Errorf("search all: %w: enrol subjects first", ErrEmptyWatchlist)
		}
	}
	version, err := s.WatchlistVersion()
	if err != nil {
		return out, err
	}
	done, err := s.searchedAt(version)
	if err != nil {
		return out, err
	}
	start := time.Now()
	for i, id := range probes {
		rep.Report(progress.Update{Stage: "search", Done: int64(i), Total: int64(len(probes)), Unit: "faces", Elapsed: time.Since(start)})
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if done[id] {
			out.Already++
			continue
		}
		rec, err := s.SearchFace(ctx, id, "")
		if err != nil {
			return out, err
		}
		out.Searched++
		if len(rec.Candidates) > 0 {
			out.WithCandidates++
		}
	}
	rep.Report(progress.Update{Stage: "search", Done: int64(len(probes)), Total: int64(len(probes)), Unit: "faces", Elapsed: time.Since(start)})
	return out, nil
}

// searchProbes lists the faces SearchAll searches with, in evidence and
// frame order, and counts the faces left out as unusable.
func (s *Session) searchProbes(ids []uint64) (probes []uint64, unusable int, err error) {
	evs, err := s.EvidenceList()
	if err != nil {
		return nil, 0, err
	}
	want := map[uint64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for _, ev := range evs {
		if len(ids) > 0 && !want[ev.ID] {
			continue
		}
		switch ev.Kind {
		case casefile.KindPhoto:
			dets, err := s.FrameDetections(ev.ID, 0)
			if err != nil {
				return nil, 0, err
			}
			for _, d := range dets {
				if d.Descriptor == nil || !d.Quality.Usable {
					unusable++
					continue
				}
				probes = append(probes, d.ID)
			}
		case casefile.KindVideo:
			best, err := s.TrackBestFaces(ev.ID)
			if err != nil {
				return nil, 0, err
			}
			tracks := make([]uint64, 0, len(best))
			for id := range best {
				tracks = append(tracks, id)
			}
			sort.Slice(tracks, func(i, j int) bool { return tracks[i] < tracks[j] })
			for _, t := range tracks {
				if d := best[t]; d.Descriptor != nil && d.Quality.Usable {
					probes = append(probes, d.ID)
				} else {
					unusable++
				}
			}
		}
	}
	return probes, unusable, nil
}

// searchedAt is the set of detections searched with against watchlist
// version v.
func (s *Session) searchedAt(v uint64) (map[uint64]bool, error) {
	recs, err := s.Searches()
	if err != nil {
		return nil, err
	}
	out := map[uint64]bool{}
	for _, r := range recs {
		if r.WatchlistVersion == v && r.Probe.DetectionID != 0 {
			out[r.Probe.DetectionID] = true
		}
	}
	return out, nil
}

// CandidateCounts is, per evidence item, how many of its searches returned
// candidates (the evidence list's "has candidates" filter).
func (s *Session) CandidateCounts() (map[uint64]int, error) {
	recs, err := s.Searches()
	if err != nil {
		return nil, err
	}
	out := map[uint64]int{}
	for _, r := range recs {
		if len(r.Candidates) > 0 {
			out[r.Probe.EvidenceID]++
		}
	}
	return out, nil
}
