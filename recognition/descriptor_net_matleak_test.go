//go:build matprofile

package recognition

import (
	"context"
	"errors"
	"image"
	"testing"

	"gocv.io/x/gocv"
)

// TestDescriptorNetMatLeak checks that Compute closes every Mat it makes:
// on 150x150 chips, on chips it has to resize, across batches, and when it
// fails. Run with: go test -tags matprofile ./recognition/ -run MatLeak
func TestDescriptorNetMatLeak(t *testing.T) {
	chips, _ := descNetPeople(t) // 40 chips: two batches
	n := descNetOpen(t)
	big := gocv.NewMat()
	defer big.Close()
	gocv.Resize(chips[0], &big, image.Pt(200, 200), 0, 0, gocv.InterpolationLinear)
	grey := gocv.NewMatWithSize(150, 150, gocv.MatTypeCV8UC1)
	defer grey.Close()
	ctx := context.Background()

	before := gocv.MatProfile.Count()
	for i := 0; i < 2; i++ {
		if _, err := n.Compute(ctx, chips); err != nil {
			t.Fatalf("Compute: %v", err)
		}
		if _, err := n.Compute(ctx, []gocv.Mat{big, chips[1], big}); err != nil {
			t.Fatalf("Compute resized: %v", err)
		}
		if _, err := n.Compute(ctx, []gocv.Mat{chips[0], grey}); !errors.Is(err, ErrBadChip) {
			t.Fatalf("grey chip: err = %v, want ErrBadChip", err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := n.Compute(cancelled, chips); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled: err = %v, want context.Canceled", err)
		}
	}
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("live Mats: %d before Compute, %d after", before, after)
	}
}
