//go:build matprofile

package eval

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"facecase/internal/testenv"
)

// TestEngineEmbedderMatLeak embeds crops (which take the framed second
// pass) and a photo, and checks that every gocv.Mat is closed.
func TestEngineEmbedderMatLeak(t *testing.T) {
	testenv.Model(t, "descriptor")
	people := testenv.SharedData(t, "faceapi/people")
	emb, err := NewEngineEmbedder(EngineConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	files := []string{filepath.Join(people, "amy", "amy1.png"), filepath.Join(people, "raj", "raj2.png"), filepath.Join(people, "bbt1.jpg")}
	if _, err := emb.Embed(context.Background(), files[0]); err != nil && !isNoFace(err) {
		t.Fatal(err) // warm up: the engine's own pools may keep Mats
	}
	before := gocv.MatProfile.Count()
	for _, f := range files {
		if _, err := emb.Embed(context.Background(), f); err != nil && !isNoFace(err) {
			t.Fatal(err)
		}
	}
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("%d Mats open after embedding, %d before", after, before)
	}
}

func isNoFace(err error) bool { return errors.Is(err, ErrNoFace) }
