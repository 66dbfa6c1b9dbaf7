package session

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facecase/casefile"
	"facecase/internal/testenv"
)

// TestIntakeResumesInterruptedPhoto: a photo whose intake was cut off
// before its faces were stored is analysed by the next intake (also one
// with no files, as the case window starts when a case opens), and adding
// it again does not analyse it twice.
func TestIntakeResumesInterruptedPhoto(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	ctx := context.Background()
	photo := filepath.Join(dir, "two_people.jpg")
	ev, err := s.AddEvidence(ctx, photo, casefile.AddOptions{Analyse: analysedKinds})
	if err != nil {
		t.Fatal(err)
	}
	final := map[uint64]ItemStatus{}
	if err := s.Intake(ctx, nil, nil, func(st ItemStatus) { final[st.EvidenceID] = st }); err != nil {
		t.Fatal(err)
	}
	if st := final[ev.ID]; st.State != StateDone || st.Detail != "2 faces" {
		t.Fatalf("resumed photo: %+v", st)
	}
	if a, err := s.Analysis(ev.ID); err != nil || a.State != casefile.AnalysisDone || a.Stored != 2 {
		t.Fatalf("analysis %+v %v", a, err)
	}
	var again ItemStatus
	if err := s.Intake(ctx, []string{photo}, nil, func(st ItemStatus) { again = st }); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.DetectionCount(ev.ID); again.State != StateDuplicate || again.Duplicate != ev.ID || n != 2 {
		t.Fatalf("added again: %+v, %d detections", again, n)
	}
}

// TestVideoAnalysisResumesAfterStoredFrames: a video analysis cancelled
// part-way keeps the frames it stored and stays pending; the next intake
// stores only the frames after them and records it done.
func TestVideoAnalysisResumesAfterStoredFrames(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	clip := filepath.Join(dir, "short_hamilton_clip.mp4")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := s.Intake(ctx, []string{clip}, nil, func(st ItemStatus) {
		if st.State == StateAnalysing && st.Fraction >= 0.4 {
			cancel()
		}
	})
	if err == nil {
		t.Fatal("the cancelled intake returned no error")
	}
	evs, _ := s.EvidenceList()
	if len(evs) != 1 {
		t.Fatalf("%d evidence items", len(evs))
	}
	ev := evs[0]
	first, err := s.Analysis(ev.ID)
	if err != nil || first.State != casefile.AnalysisPending || first.Stored == 0 {
		t.Fatalf("after cancelling: %+v %v", first, err)
	}
	stored, _ := s.Detections(casefile.DetectionQuery{EvidenceID: ev.ID, Limit: 100000})
	firstIDs := map[uint64]bool{}
	for _, d := range stored.Detections {
		firstIDs[d.ID] = true
	}
	if err := s.Intake(context.Background(), nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	done, err := s.Analysis(ev.ID)
	if err != nil || done.State != casefile.AnalysisDone || done.Stored <= first.Stored {
		t.Fatalf("after resuming: %+v %v (first run stored %d)", done, err, first.Stored)
	}
	all, _ := s.Detections(casefile.DetectionQuery{EvidenceID: ev.ID, Limit: 100000})
	for _, d := range all.Detections {
		if !firstIDs[d.ID] && d.Frame <= first.LastFrame {
			t.Fatalf("the resumed run stored detection %d of frame %d; frames up to %d were stored before", d.ID, d.Frame, first.LastFrame)
		}
	}
}

// TestCloseWithReceipt: closing a case open for writing keeps a signed
// receipt of its audit chain in the installation's journal.
func TestCloseWithReceipt(t *testing.T) {
	s := newTestSession(t)
	head, _ := s.AuditHead()
	r, err := s.CloseWithReceipt()
	if err != nil || r == nil || r.Event != casefile.ReceiptAtClose || r.Chain.Entries != head.Seq || r.Chain.Head != head.SHA256 {
		t.Fatalf("receipt %+v, head %+v: %v", r, head, err)
	}
	dir, _ := casefile.KeyDir()
	raw, err := os.ReadFile(filepath.Join(dir, "receipts.jsonl"))
	if err != nil || !strings.Contains(string(raw), r.Signature) {
		t.Fatalf("journal: %v", err)
	}
}
