//go:build matprofile

package views

import (
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// TestMatLeakPlayer: a player that played, seeked, stepped and closed
// leaves no Mat open (go test -tags matprofile -run MatLeak).
func TestMatLeakPlayer(t *testing.T) {
	path := testVideo(t)
	before := gocv.MatProfile.Count()
	p, sink := startTestPlayer(t, path)
	waitFrame(t, sink, 0)
	p.Seek(120)
	waitFrame(t, sink, 120)
	p.Step(-1)
	waitFrame(t, sink, 119)
	p.Play()
	select {
	case <-sink.ended:
	case <-time.After(testBound):
		t.Fatal("playback did not end")
	}
	p.Close()
	if after := gocv.MatProfile.Count(); after != before {
		t.Fatalf("%d Mats open after the player closed, %d before", after, before)
	}
}
