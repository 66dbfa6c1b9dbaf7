package session

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/progress"
)

// plainSession is a case with one photo (a flat PNG) and two stored
// faces with made-up descriptors; no model is needed.
func plainSession(t *testing.T) (*Session, []uint64) {
	t.Helper()
	engines := NewEngines()
	t.Cleanup(func() { engines.Close() })
	dir := t.TempDir()
	s, err := Create(filepath.Join(dir, "t.facecase"), casefile.CaseInfo{
		Number: "T-2", Title: "search guards", Investigator: "Det. Test", Purpose: "testing",
	}, engines, Settings{Reviewer: "Det. Test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(1, 1, color.RGBA{1, 2, 3, 255})
	p := filepath.Join(dir, "photo.png")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ev, err := s.AddEvidence(context.Background(), p, casefile.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Two real faces of two people (the shipped cohort's first two), so
	// that their normalised scores behave as real faces' do.
	cohort, err := Cohort()
	if err != nil {
		t.Fatal(err)
	}
	a, b := cohort.Descriptor(0), cohort.Descriptor(1)
	dets := []casefile.Detection{
		{EvidenceID: ev.ID, Box: facedata.Rect{X: 1, Y: 1, W: 20, H: 20}, Detector: "ssd", Descriptor: &a, Quality: facedata.Quality{Usable: true}},
		{EvidenceID: ev.ID, Box: facedata.Rect{X: 30, Y: 1, W: 20, H: 20}, Detector: "ssd", Descriptor: &b, Quality: facedata.Quality{Usable: true}},
	}
	ids, err := s.AddDetections(context.Background(), dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, ids
}

// TestSearchFaceRefusesAnEmptyWatchlist: nothing to compare with is said
// so, and no search is recorded.
func TestSearchFaceRefusesAnEmptyWatchlist(t *testing.T) {
	s, ids := plainSession(t)
	_, err := s.SearchFace(context.Background(), ids[0], "")
	if !errors.Is(err, ErrEmptyWatchlist) {
		t.Fatalf("search of an empty watchlist: %v, want ErrEmptyWatchlist", err)
	}
	if recs, err := s.Searches(); err != nil || len(recs) != 0 {
		t.Fatalf("%d searches recorded (%v), want none", len(recs), err)
	}
	rows, err := s.AuditRows()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Action == string(casefile.ActionSearch) {
			t.Fatalf("the refused search is in the audit log: %+v", r)
		}
	}
}

// TestEnrolmentEchoAndFaceMatch: a face enrolled and then searched with
// finds itself at distance 0, which is flagged as its own enrolment; once
// confirmed, the face's match names the subject and the review with its
// note, and the audit rows carry the note too.
func TestEnrolmentEchoAndFaceMatch(t *testing.T) {
	s, ids := plainSession(t)
	subj, err := s.EnrolFace(ids[0], 0, "Subject A", "", casefile.Provenance{Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.SearchFace(context.Background(), ids[0], "")
	if err != nil {
		t.Fatal(err)
	}
	echoes, err := s.EnrolmentEchoes(rec)
	if err != nil || len(echoes) != 1 || echoes[0].SubjectID != subj.ID {
		t.Fatalf("echoes %+v (%v), want the subject's enrolment", echoes, err)
	}
	if !strings.Contains(echoes[0].String(), "enrolment 1 of subject Subject A") {
		t.Fatalf("echo says %q", echoes[0])
	}
	other, err := s.SearchFace(context.Background(), ids[1], "")
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := s.EnrolmentEchoes(other); len(e) != 0 {
		t.Fatalf("a different face flagged as an echo: %+v", e)
	}
	if _, err := s.Review(casefile.ReviewRequest{SearchID: rec.ID, SubjectID: subj.ID, Decision: casefile.DecisionConfirm,
		Note: "same scar"}); err != nil {
		t.Fatal(err)
	}
	ev, _ := s.Detection(ids[0])
	states, err := s.FaceStates(ev.EvidenceID)
	if err != nil {
		t.Fatal(err)
	}
	m := states[ids[0]]
	if m.State != FaceConfirmed || m.Subject != "Subject A" || len(m.Reviews) != 1 || m.Reviews[0].Note != "same scar" {
		t.Fatalf("face match %+v", m)
	}
	rows, err := s.AuditRows()
	if err != nil {
		t.Fatal(err)
	}
	if r := rows[0]; r.Action != "review" || r.Note != "same scar" || r.Object != "search 1" ||
		!strings.Contains(r.Summary, "decision confirm") || !strings.Contains(r.Detail(), "Note: same scar") {
		t.Fatalf("newest audit row %+v", r)
	}
	// Every search's row says at which operating point, by whom and why.
	for _, r := range rows {
		if r.Action == "search" && !(strings.HasPrefix(r.Summary, "candidates ") && strings.Contains(r.Summary, "target fmr 0.0001") &&
			strings.Contains(r.Summary, "score threshold ") && strings.Contains(r.Summary, "purpose testing") && r.Actor == "Det. Test") {
			t.Fatalf("search audit row %+v", r)
		}
	}
	if !(AuditFilter{Action: "REV", Object: "search 1"}).Match(rows[0]) || (AuditFilter{Actor: "nobody"}).Match(rows[0]) {
		t.Fatal("audit filter")
	}
}

// TestSearchAllSearchesEveryUsableFaceOnce: every usable face is searched
// and logged; a second run finds them searched against this watchlist.
func TestSearchAllSearchesEveryUsableFaceOnce(t *testing.T) {
	s, ids := plainSession(t)
	if _, err := s.SearchAll(context.Background(), nil, nil); !errors.Is(err, ErrEmptyWatchlist) {
		t.Fatalf("search all of an empty watchlist: %v", err)
	}
	if _, err := s.EnrolFace(ids[0], 0, "Subject A", "", casefile.Provenance{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	var updates int
	out, err := s.SearchAll(context.Background(), nil, progressCounter(&updates))
	if err != nil {
		t.Fatal(err)
	}
	if out.Searched != 2 || out.WithCandidates != 1 || out.Already != 0 || updates < 3 {
		t.Fatalf("first run %+v, %d progress updates", out, updates)
	}
	recs, _ := s.Searches()
	if len(recs) != 2 {
		t.Fatalf("%d searches stored, want 2", len(recs))
	}
	again, err := s.SearchAll(context.Background(), nil, nil)
	if err != nil || again.Searched != 0 || again.Already != 2 {
		t.Fatalf("second run %+v, %v", again, err)
	}
	counts, err := s.CandidateCounts()
	if err != nil || len(counts) != 1 {
		t.Fatalf("candidate counts %v, %v", counts, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.EnrolFace(ids[1], 0, "Subject B", "", casefile.Provenance{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SearchAll(ctx, nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
}

func progressCounter(n *int) progress.Reporter {
	return progress.Func(func(progress.Update) { *n++ })
}
