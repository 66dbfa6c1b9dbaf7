package casefile

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestInterruptedAnalysisIsPendingAndResumed is the failure of a SIGKILL
// between a photo's intake and its faces: the evidence record was
// committed alone, re-adding the photo said "already evidence" and never
// analysed it again, and verify said OK. Now the item stays pending until
// its faces are stored, verify names it, and a re-add resumes it.
func TestInterruptedAnalysisIsPendingAndResumed(t *testing.T) {
	c := newTestCase(t)
	ctx := context.Background()
	photo := writeTestFile(t, t.TempDir(), "street.jpg", append(append([]byte(nil), jpegHead...), "street scene"...))
	ev, err := c.AddEvidence(ctx, photo, AddOptions{Analyse: []string{KindPhoto}})
	if err != nil {
		t.Fatal(err)
	}
	// The process dies here, before the faces are stored.
	st, err := c.Analysis(ev.ID)
	if err != nil || st.State != AnalysisPending || st.Stored != 0 {
		t.Fatalf("after intake: %+v %v", st, err)
	}
	p := c.Path()
	c.Close()

	rep, err := Verify(ctx, p, VerifyOptions{SkipMedia: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !rep.Intact() || len(rep.Unfinished) != 1 || !strings.Contains(rep.Unfinished[0].Where, "evidence 1 (street.jpg)") ||
		!errors.Is(rep.Err(), ErrIncomplete) {
		t.Fatalf("verify of an interrupted intake: ok %v, problems %v, unfinished %v, err %v", rep.OK(), rep.Problems, rep.Unfinished, rep.Err())
	}

	c, err = Open(p, Options{Actor: "DC Mills"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pending, err := c.PendingAnalyses()
	if err != nil || len(pending) != 1 || pending[0].EvidenceID != ev.ID {
		t.Fatalf("pending after reopening: %+v %v", pending, err)
	}
	again, err := c.AddEvidence(ctx, photo, AddOptions{Analyse: []string{KindPhoto}})
	if !errors.Is(err, ErrDuplicateEvidence) || again.ID != ev.ID {
		t.Fatalf("re-add: %+v %v", again, err)
	}
	dets := testDetections(newRand(3), ev.ID, 43)
	for i := range dets {
		dets[i].Frame = 0
	}
	if _, err := c.StoreAnalysis(ctx, ev.ID, dets, nil); err != nil {
		t.Fatal(err)
	}
	st, err = c.Analysis(ev.ID)
	if err != nil || st.State != AnalysisDone || st.Stored != 43 || st.Detections != 43 {
		t.Fatalf("after resuming: %+v %v", st, err)
	}
	if _, err := c.StoreAnalysis(ctx, ev.ID, dets, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("storing a finished analysis again: %v", err)
	}
	if n, _ := c.DetectionCount(ev.ID); n != 43 {
		t.Fatalf("%d detections after a refused second store", n)
	}
	rep, err = c.Verify(ctx, VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("verify after resuming: %v %v %v", err, rep.Problems, rep.Unfinished)
	}
}

func TestAnalysisStates(t *testing.T) {
	c := newTestCase(t)
	ctx := context.Background()
	dir := t.TempDir()
	other := writeTestFile(t, dir, "notes.txt", []byte("interview notes"))
	photo := writeTestFile(t, dir, "a.jpg", append(append([]byte(nil), jpegHead...), "a"...))
	evOther, err := c.AddEvidence(ctx, other, AddOptions{Analyse: []string{KindPhoto, KindVideo}})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := c.Analysis(evOther.ID); st.State != AnalysisNotRequested {
		t.Fatalf("a text file is not analysed, state %q", st.State)
	}
	evPhoto, err := c.AddEvidence(ctx, photo, AddOptions{}) // --no-detect
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := c.Analysis(evPhoto.ID); st.State != AnalysisNotRequested {
		t.Fatalf("photo without analysis: state %q", st.State)
	}
	if _, err := c.StoreAnalysis(ctx, evPhoto.ID, nil, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("store without a request: %v", err)
	}
	if err := c.RequestAnalysis(evPhoto.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.RequestAnalysis(evPhoto.ID); err != nil {
		t.Fatalf("requesting twice: %v", err)
	}
	if _, err := c.StoreAnalysis(ctx, evPhoto.ID, testDetections(newRand(1), evOther.ID, 1), nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("faces of another item: %v", err)
	}
	if _, err := c.StoreAnalysis(ctx, evPhoto.ID, nil, nil); err != nil { // no faces
		t.Fatal(err)
	}
	if st, _ := c.Analysis(evPhoto.ID); st.State != AnalysisDone || st.Stored != 0 {
		t.Fatalf("no faces: %+v", st)
	}
	if err := c.RequestAnalysis(evPhoto.ID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("request after done: %v", err)
	}
	if _, err := c.Analysis(99); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown evidence: %v", err)
	}
	log, err := c.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, string(e.Action))
	}
	if got := strings.Join(actions[len(actions)-2:], " "); got != "request_analysis finish_analysis" {
		t.Fatalf("audit ends with %s", got)
	}
	rep, err := c.Verify(ctx, VerifyOptions{SkipMedia: true})
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
}

// TestEditedAnalysisRecordIsNamed: an analysis record flipped to done
// outside facecase (to hide an interrupted intake) is caught.
func TestEditedAnalysisRecordIsNamed(t *testing.T) {
	c := newTestCase(t)
	photo := writeTestFile(t, t.TempDir(), "a.jpg", append(append([]byte(nil), jpegHead...), "a"...))
	ev, err := c.AddEvidence(context.Background(), photo, AddOptions{Analyse: []string{KindPhoto}})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Path()
	c.Close()
	rawUpdate(t, p, func(tx *bolt.Tx) error {
		rec := AnalysisRecord{EvidenceID: ev.ID, State: AnalysisDone}
		raw, _ := json.Marshal(rec)
		return tx.Bucket(bucketAnalysis).Put(u64Key(ev.ID), raw)
	})
	rep, err := Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Intact() || rep.Problems[0].Where != "analysis record of evidence 1" {
		t.Fatalf("problems %v", rep.Problems)
	}
}

// TestBatchesEndAtFrames: a batch never splits a frame, so a resumed
// video analysis can start after the last stored frame.
func TestBatchesEndAtFrames(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "v.mp4")
	dets := testDetections(newRand(2), ev.ID, DetectionBatchSize+500)
	for i := range dets {
		dets[i].Frame = uint32(i / 7)
	}
	ids, err := c.AddDetections(context.Background(), dets, nil)
	if err != nil || len(ids) != len(dets) {
		t.Fatalf("%d ids: %v", len(ids), err)
	}
	log, _ := c.AuditLog()
	var firsts []uint64
	for _, e := range log {
		if e.Action == ActionAddDetections {
			var d struct {
				First uint64 `json:"first_id"`
			}
			json.Unmarshal(e.Details, &d)
			firsts = append(firsts, d.First)
		}
	}
	if len(firsts) != 2 {
		t.Fatalf("%d batches", len(firsts))
	}
	second := firsts[1] - 1 // index of the second batch's first detection
	if second >= DetectionBatchSize+1 || dets[second].Frame == dets[second-1].Frame {
		t.Fatalf("second batch starts at detection %d, frame %d (the one before is frame %d)", second, dets[second].Frame, dets[second-1].Frame)
	}
}

// TestHugeFrameIsOneBatch: a photo with more faces than a batch is still
// stored in one transaction.
func TestHugeFrameIsOneBatch(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "crowd.jpg")
	dets := testDetections(newRand(2), ev.ID, DetectionBatchSize+10)
	for i := range dets {
		dets[i].Frame = 0
	}
	var updates int
	if _, err := c.AddDetections(context.Background(), dets, progressCounter(&updates)); err != nil || updates != 1 {
		t.Fatalf("%d batches: %v", updates, err)
	}
}

func TestStillToStore(t *testing.T) {
	dets := testDetections(newRand(2), 1, 10)
	for i := range dets {
		dets[i].Frame = uint32(i)
	}
	fresh := AnalysisStatus{AnalysisRecord: AnalysisRecord{State: AnalysisPending}}
	if got := fresh.StillToStore(dets); len(got) != 10 {
		t.Fatalf("nothing stored yet: %d to store", len(got))
	}
	resumed := AnalysisStatus{AnalysisRecord: AnalysisRecord{State: AnalysisPending}, Stored: 4, LastFrame: 3}
	if got := resumed.StillToStore(dets); len(got) != 6 || got[0].Frame != 4 {
		t.Fatalf("after frame 3: %d to store from frame %d", len(got), got[0].Frame)
	}
}

// TestFailedAnalysis: an analysis that cannot be made (a photo that does
// not decode) is recorded as failed with the reason: it is not pending, so
// the case is complete, and it is analysed again only when asked.
func TestFailedAnalysis(t *testing.T) {
	c := newTestCase(t)
	ctx := context.Background()
	photo := writeTestFile(t, t.TempDir(), "broken.jpg", append(append([]byte(nil), jpegHead...), "truncated"...))
	ev, err := c.AddEvidence(ctx, photo, AddOptions{Analyse: []string{KindPhoto}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.FailAnalysis(ev.ID, "image data is damaged or truncated"); err != nil {
		t.Fatal(err)
	}
	st, _ := c.Analysis(ev.ID)
	if st.State != AnalysisFailed || st.Error != "image data is damaged or truncated" {
		t.Fatalf("after failing: %+v", st)
	}
	if p, _ := c.PendingAnalyses(); len(p) != 0 {
		t.Fatalf("a failed analysis is pending: %+v", p)
	}
	if err := c.FailAnalysis(ev.ID, "again"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("failing a failed analysis: %v", err)
	}
	rep, err := c.Verify(ctx, VerifyOptions{SkipMedia: true})
	if err != nil || !rep.OK() {
		t.Fatalf("a case with a failed analysis: %v %v %v", err, rep.Problems, rep.Unfinished)
	}
	if err := c.RequestAnalysis(ev.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := c.Analysis(ev.ID); st.State != AnalysisPending {
		t.Fatalf("retry: %+v", st)
	}
}
