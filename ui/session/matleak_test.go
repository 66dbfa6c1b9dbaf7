//go:build matprofile

package session

import (
	"context"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"facecase/internal/testenv"
)

// TestMatLeakSessionImages: intake, analysis, thumbnails, face crops and
// frames close every Mat they make (go test -tags matprofile -run MatLeak).
func TestMatLeakSessionImages(t *testing.T) {
	dir := testenv.SharedData(t, "face_recognition")
	s := newTestSession(t)
	ctx := context.Background()
	// A first photo loads the engines (their models hold Mats for good).
	if err := s.Intake(ctx, []string{filepath.Join(dir, "biden.jpg")}, nil, nil); err != nil {
		t.Fatal(err)
	}
	before := gocv.MatProfile.Count()
	var id uint64
	err := s.Intake(ctx, []string{filepath.Join(dir, "two_people.jpg"), filepath.Join(dir, "short_hamilton_clip.mp4")}, nil,
		func(st ItemStatus) {
			if st.State == StateDone && id == 0 {
				id = st.EvidenceID
			}
		})
	if err != nil || id == 0 {
		t.Fatalf("intake: %v", err)
	}
	if _, err := s.Thumbnail(ctx, id); err != nil {
		t.Fatal(err)
	}
	dets, err := s.FrameDetections(id, 0)
	if err != nil || len(dets) == 0 {
		t.Fatalf("detections: %v", err)
	}
	if _, err := s.FaceCrop(ctx, dets[0].ID, 120); err != nil {
		t.Fatal(err)
	}
	if after := gocv.MatProfile.Count(); after != before {
		t.Fatalf("%d Mats open after the work, %d before", after, before)
	}
}
