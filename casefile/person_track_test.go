package casefile

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
	"facecase/media"
)

func testPersonTrack(evidenceID, id uint64) PersonTrack {
	p := PersonTrack{EvidenceID: evidenceID, ID: id,
		Faces:    []PersonFace{{TrackID: 3, Frames: 12, FirstFrame: 4, LastFrame: 30}},
		BestFace: &PersonView{Frame: 20, Time: 800 * time.Millisecond, Box: facedata.Rect{X: 110, Y: 60, W: 30, H: 30}, FaceTrackID: 3},
		Body:     PersonView{Frame: 25, Box: facedata.Rect{X: 100, Y: 50, W: 60, H: 160}},
	}
	for f := uint32(0); f <= 40; f++ {
		p.Path = append(p.Path, TrackPoint{Frame: f, Time: time.Duration(f) * 40 * time.Millisecond,
			Box: facedata.Rect{X: 100 + 3*float64(f), Y: 50, W: 60, H: 160}})
	}
	return p
}

func TestPersonTracksStoredAndAudited(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "walk.mp4")
	for _, id := range []uint64{2, 1} {
		if err := c.PutPersonTrack(testPersonTrack(ev.ID, id)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.PersonTracks(ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 {
		t.Fatalf("person tracks %+v, want ids 1 and 2 in order", got)
	}
	other := addTestEvidence(t, c, "other.mp4")
	if err := c.PutPersonTrack(testPersonTrack(other.ID, 1)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[uint64]int{ev.ID: 2, other.ID: 1, other.ID + 1: 0} {
		if n, err := c.PersonTrackCount(id); err != nil || n != want {
			t.Errorf("evidence %d: %d person tracks counted (%v), want %d", id, n, err, want)
		}
	}
	p := got[0]
	if p.FirstFrame != 0 || p.LastFrame != 40 || len(p.Faces) != 1 || p.Faces[0].TrackID != 3 || p.BestFace == nil || p.BestFace.FaceTrackID != 3 {
		t.Fatalf("person track read back as %+v", p)
	}
	if l := p.PathLength(); l != 120 {
		t.Fatalf("path length %v, want 120", l)
	}
	entries, err := c.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != ActionPutPersonTrack || !strings.Contains(string(last.Details), `"face_tracks":[3]`) {
		t.Fatalf("last audit entry %+v", last)
	}
	if rep, err := c.Verify(context.Background(), VerifyOptions{SkipMedia: true}); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
}

func TestPersonTrackRefusedWhenInvalid(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "walk.mp4")
	bad := []PersonTrack{testPersonTrack(ev.ID, 0), testPersonTrack(ev.ID, 1), testPersonTrack(ev.ID, 1), testPersonTrack(999, 1)}
	bad[1].Path[3].Frame = 1
	bad[2].Faces[0].TrackID = 0
	for i, p := range bad {
		err := c.PutPersonTrack(p)
		if i < 3 && !errors.Is(err, ErrInvalid) || i == 3 && !errors.Is(err, ErrNotFound) {
			t.Errorf("case %d: %v", i, err)
		}
	}
}

func TestEditedPersonTrackIsNamed(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "walk.mp4")
	if err := c.PutPersonTrack(testPersonTrack(ev.ID, 7)); err != nil {
		t.Fatal(err)
	}
	p := c.Path()
	c.Close()
	// Someone moves the person's path by hand.
	tp := testPersonTrack(ev.ID, 7)
	tp.Path[10].Box.X += 50
	rawUpdate(t, p, func(tx *bolt.Tx) error {
		raw, err := json.Marshal(tp)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketPersons).Put(u64Pair(ev.ID, 7), raw)
	})
	rep, err := Verify(context.Background(), p, VerifyOptions{SkipMedia: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !strings.Contains(rep.Problems[0].Where, "person track 7") {
		t.Fatalf("verify after editing a person track: %+v", rep.Problems)
	}
}

func TestFormat1CaseGainsPersonTracks(t *testing.T) {
	c := newTestCase(t)
	ev := addTestEvidence(t, c, "walk.mp4")
	p := c.Path()
	c.Close()
	// Make it a case of format 1, as the previous release wrote it.
	rawUpdate(t, p, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketPersons); err != nil {
			return err
		}
		return putU32(tx.Bucket(bucketMeta), metaFormat, 1)
	})
	// Read-only, a case of an older format is refused until it is opened
	// once for writing (which migrates it).
	if _, err := Open(p, Options{Actor: "x", ReadOnly: true}); err == nil {
		t.Fatal("read-only open of a format 1 case succeeded before its migration")
	}
	rw, err := Open(p, Options{Actor: "x"})
	if err != nil {
		t.Fatalf("open format 1 for writing: %v", err)
	}
	defer rw.Close()
	if err := rw.PutPersonTrack(testPersonTrack(ev.ID, 1)); err != nil {
		t.Fatalf("put person track after migration: %v", err)
	}
	entries, err := rw.AuditLog()
	if err != nil {
		t.Fatal(err)
	}
	migrated := false
	for _, e := range entries {
		migrated = migrated || e.Action == ActionMigrate
	}
	if !migrated {
		t.Fatal("no migration in the audit log")
	}
}

// TestExportReportListsPeople: a person whose face was confirmed by review
// is named in the export report over the whole path; one whose face was
// never searched is listed as not identified.
func TestExportReportListsPeople(t *testing.T) {
	c := newTestCase(t)
	rng := newRand(31)
	ev := addTestEvidence(t, c, "walk.mp4")
	subject, err := c.AddSubject("Jane <Doe>", "")
	if err != nil {
		t.Fatal(err)
	}
	probe := randomDescriptor(rng)
	if _, err := c.Enrol(subject.ID, Provenance{Source: "custody photo"}, templates(t, nearDescriptor(rng, probe, 0.2))); err != nil {
		t.Fatal(err)
	}
	dets := testDetections(rng, ev.ID, 2)
	dets[0].TrackID, dets[0].Descriptor = 4, &probe
	dets[1].TrackID = 9
	ids, err := c.AddDetections(context.Background(), dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := c.Search(context.Background(), testSearch(t, Probe{DetectionID: ids[0]}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Review(ReviewRequest{SearchID: rec.ID, SubjectID: subject.ID, Decision: DecisionConfirm}); err != nil {
		t.Fatal(err)
	}
	known := testPersonTrack(ev.ID, 1)
	known.Faces[0].TrackID = 4
	unknown := testPersonTrack(ev.ID, 2)
	unknown.Faces[0].TrackID = 9
	for _, p := range []PersonTrack{known, unknown} {
		if err := c.PutPersonTrack(p); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "bundle.zip")
	if _, err := Export(context.Background(), c, out, ExportOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	report := string(readZipMember(t, out, MemberReport))
	for _, want := range []string{"People followed in video (2)", "confirmed: Jane &lt;Doe&gt;", "not identified", "00:00:01.600"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestRedactionIgnoresPeople: a person whose face was confirmed carries
// the identity over their whole path in the report, but redaction goes by
// faces alone: every face not itself the probe of a confirmed match is
// blurred, even one the same person wears.
func TestRedactionIgnoresPeople(t *testing.T) {
	fx := newExportFixture(t, 3)
	p := testPersonTrack(fx.ev.ID, 1)
	p.Faces = nil
	for _, d := range fx.dets {
		p.Faces = append(p.Faces, PersonFace{TrackID: d.TrackID, Frames: 1})
	}
	if err := fx.c.PutPersonTrack(p); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "bundle.zip")
	if _, err := Export(context.Background(), fx.c, out, ExportOptions{Media: true, Redactor: media.RedactPhoto}, nil); err != nil {
		t.Fatal(err)
	}
	if report := string(readZipMember(t, out, MemberReport)); !strings.Contains(report, "confirmed: Eve") {
		t.Fatal("the report does not name the person by their confirmed face")
	}
	var m Manifest
	if err := json.Unmarshal(readZipMember(t, out, MemberManifest), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Media) != 1 || m.Media[0].Blurred != 2 || m.Media[0].Kept != 1 {
		t.Fatalf("media %+v: want the two unconfirmed faces blurred and the confirmed one kept", m.Media)
	}
}
