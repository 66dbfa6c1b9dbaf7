package recognition

import (
	"context"
	"slices"
	"testing"

	"facecase/facedata"
)

// TestPeopleFinderReleasesWorkMemory checks that NanoDet's finder hands its
// working memory back without error and finds the same people afterwards.
func TestPeopleFinderReleasesWorkMemory(t *testing.T) {
	frames, _ := vtestFrames(t)
	defer closeAll(frames)
	f, err := NewPeopleFinder(facedata.NanoDet, PersonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	before, err := f.FindPeople(context.Background(), frames[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ReleaseWorkMemory(); err != nil {
		t.Fatal(err)
	}
	after, err := f.FindPeople(context.Background(), frames[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(before) == 0 || !slices.EqualFunc(before, after, func(a, b facedata.Person) bool { return a.Box == b.Box }) {
		t.Errorf("%d people before the release, %d after (want the same, at least one)", len(before), len(after))
	}
}
