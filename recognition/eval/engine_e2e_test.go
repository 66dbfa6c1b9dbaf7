package eval

import (
	"testing"

	"facecase/internal/testenv"
)

// TestEndToEndPeopleWithEngine runs the end-to-end checks of
// TestEndToEndPeople with the recognition engine in place of the pixel
// stand-in: faceapi/people's 150x150 crops, a group CSV written by the
// test, and the report checked for consistency and determinism.
func TestEndToEndPeopleWithEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the engine end-to-end run takes about a minute (TestEndToEndPeople covers the lab with a stand-in)")
	}
	testenv.Model(t, "descriptor")
	emb, err := NewEngineEmbedder(EngineConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	// The detector finds a face in all 40 crops (framed in a border, see
	// cropPaddingMaxSide); the engine judges 7 of them turned beyond its
	// 45 degree yaw limit (estimates of 45 to 55 degrees).
	checkEndToEnd(t, emb, 32, false)
}
