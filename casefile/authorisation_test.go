package casefile

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestSearchRecordsAndRequiresAuthorisation: every search records the
// case's authorisation reference; a case whose settings require one and
// that has none refuses searches and records nothing.
func TestSearchRecordsAndRequiresAuthorisation(t *testing.T) {
	c, detID, _, _ := searchFixture(t)
	rec, err := c.Search(context.Background(), testSearch(t, Probe{DetectionID: detID}))
	if err != nil || rec.Authorisation != "AUTH-55" {
		t.Fatalf("search %+v, %v: want the case's authorisation recorded", rec, err)
	}
	// A case without a reference, then made to require one.
	info := testInfo()
	info.Authorisation = ""
	bare, err := Create(filepath.Join(t.TempDir(), "bare"+Extension), info)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	if err := bare.SetSettings(Settings{RequireAuthorisation: true}); err != nil {
		t.Fatal(err)
	}
	ev := addTestEvidence(t, bare, "scene.jpg")
	rng := newRand(3)
	ids, err := bare.AddDetections(context.Background(), testDetections(rng, ev.ID, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bare.Search(context.Background(), testSearch(t, Probe{DetectionID: ids[0]}))
	if !errors.Is(err, ErrNoAuthorisation) {
		t.Fatalf("search without the required reference: %v", err)
	}
	if recs, _ := bare.Searches(); len(recs) != 0 {
		t.Fatalf("%d searches recorded", len(recs))
	}
}
