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

// newTestSession creates a case in a temporary folder.
func newTestSession(t *testing.T) *Session {
	t.Helper()
	testenv.Model(t, "descriptor")
	engines := NewEngines()
	t.Cleanup(func() { engines.Close() })
	s, err := Create(filepath.Join(t.TempDir(), "t.facecase"), casefile.CaseInfo{
		Number: "T-1", Title: "session test", Investigator: "Det. Test", Purpose: "testing",
	}, engines, Settings{Reviewer: "Det. Test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestIntakeMarksBadFilesAndCarriesOn(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	tmp := t.TempDir()
	corrupt := filepath.Join(tmp, "corrupt.jpg")
	good, err := os.ReadFile(filepath.Join(dir, "obama.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(corrupt, good[:len(good)/3], 0o644); err != nil { // truncated JPEG
		t.Fatal(err)
	}
	missing := filepath.Join(tmp, "missing.jpg")
	paths := []string{corrupt, missing, filepath.Join(dir, "biden.jpg"), filepath.Join(dir, "two_people.jpg")}
	final := map[string]ItemStatus{}
	err = s.Intake(context.Background(), paths, nil, func(st ItemStatus) { final[st.Path] = st })
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{corrupt, missing} {
		if st := final[p]; st.State != StateFailed || st.Detail == "" {
			t.Errorf("%s: %+v, want failed with a reason", filepath.Base(p), st)
		}
	}
	if !strings.Contains(final[corrupt].Detail, "truncated") && !strings.Contains(final[corrupt].Detail, "damaged") {
		t.Errorf("corrupt photo's reason %q does not say it is damaged", final[corrupt].Detail)
	}
	if st := final[paths[2]]; st.State != StateDone || st.Detail != "1 face" {
		t.Errorf("biden.jpg: %+v, want done with 1 face", st)
	}
	if st := final[paths[3]]; st.State != StateDone || st.Detail != "2 faces" {
		t.Errorf("two_people.jpg: %+v, want done with 2 faces", st)
	}
	evs, err := s.EvidenceList()
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 3 { // the corrupt photo is evidence too; the missing file is not
		t.Fatalf("%d evidence items, want 3", len(evs))
	}
	if st := s.ItemStatus(final[paths[3]].EvidenceID); st.State != StateDone {
		t.Errorf("ItemStatus = %+v", st)
	}
}

func TestAnalyseVideoStoresDetectionsAndTracks(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	var done ItemStatus
	err := s.Intake(context.Background(), []string{filepath.Join(dir, "short_hamilton_clip.mp4")}, nil, func(st ItemStatus) {
		if st.State == StateDone || st.State == StateFailed {
			done = st
		}
	})
	if err != nil || done.State != StateDone {
		t.Fatalf("intake: %v, %+v", err, done)
	}
	tracks, err := s.Tracks(done.EvidenceID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tracks) == 0 {
		t.Fatal("no track stored for a clip with two people")
	}
	ids := map[uint64]bool{}
	for _, tr := range tracks {
		ids[tr.ID] = true
		if len(tr.Path) == 0 || tr.Path[0].Frame != tr.FirstFrame {
			t.Errorf("track %d: path of %d points starting at %v, first frame %d", tr.ID, len(tr.Path), tr.Path, tr.FirstFrame)
		}
	}
	page, err := s.Detections(casefile.DetectionQuery{EvidenceID: done.EvidenceID, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	onTracks := 0
	for _, d := range page.Detections {
		if d.TrackID != 0 {
			onTracks++
			if !ids[d.TrackID] {
				t.Fatalf("detection %d names track %d, which was not stored", d.ID, d.TrackID)
			}
		}
	}
	if onTracks < len(page.Detections)/2 {
		t.Fatalf("only %d of %d detections belong to a track", onTracks, len(page.Detections))
	}
	if !strings.Contains(done.Detail, "track") {
		t.Errorf("outcome %q does not count tracks", done.Detail)
	}
	// The clip has hard cuts: the tracks they ended remember them, so the
	// viewer stops their paths there.
	cut := 0
	for _, tr := range tracks {
		if tr.CutFrame != 0 {
			cut++
			if tr.CutFrame <= tr.LastFrame {
				t.Errorf("track %d (frames %d-%d) ended by a cut at frame %d", tr.ID, tr.FirstFrame, tr.LastFrame, tr.CutFrame)
			}
		}
	}
	if cut == 0 {
		t.Error("no track of the hamilton clip was ended by a scene cut")
	}
}

// TestIntakeSkipsNonMediaAndMarksDuplicatesOnTheNewFile: a text file in a
// dropped folder stays out of the case; a copy of a photo already taken in
// is reported as a duplicate on the copy only.
func TestIntakeSkipsNonMediaAndMarksDuplicatesOnTheNewFile(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	photo, err := os.ReadFile(filepath.Join(dir, "biden.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	drop := filepath.Join(t.TempDir(), "drop")
	if err := os.MkdirAll(filepath.Join(drop, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"notes.txt": []byte("statement of witness 3\n"), "a.jpg": photo, "sub/copy.jpg": photo} {
		if err := os.WriteFile(filepath.Join(drop, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	final := map[string]ItemStatus{}
	if err := s.Intake(context.Background(), []string{drop}, nil, func(st ItemStatus) { final[filepath.Base(st.Path)] = st }); err != nil {
		t.Fatal(err)
	}
	if st := final["notes.txt"]; st.State != StateSkipped || st.EvidenceID != 0 || !strings.Contains(st.Detail, "text/plain") {
		t.Errorf("notes.txt: %+v, want skipped as text", st)
	}
	orig, dup := final["a.jpg"], final["copy.jpg"]
	if orig.State != StateDone || dup.State != StateDuplicate || dup.Duplicate != orig.EvidenceID || dup.EvidenceID != 0 {
		t.Fatalf("original %+v, copy %+v", orig, dup)
	}
	if st := s.ItemStatus(orig.EvidenceID); st.State != StateDone || strings.Contains(st.Detail, "already") {
		t.Errorf("the original is marked too: %+v", st)
	}
	if evs, _ := s.EvidenceList(); len(evs) != 1 {
		t.Fatalf("%d evidence items, want only a.jpg", len(evs))
	}
}
