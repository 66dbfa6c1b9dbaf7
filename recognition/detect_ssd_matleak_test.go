//go:build matprofile

package recognition

import (
	"context"
	"errors"
	"image"
	"path/filepath"
	"testing"

	"facecase/internal/testenv"
	"facecase/models"

	"gocv.io/x/gocv"
)

// TestSSDDetectorMatLeak checks that the SSD detector closes every Mat it
// makes: on a large photo, on a small image it has to enlarge, on a region
// of a photo, on bad input and on a cancelled context. Run with:
// go test -tags matprofile ./recognition/ -run MatLeak
func TestSSDDetectorMatLeak(t *testing.T) {
	dir, err := models.SamplesDir()
	if err != nil {
		t.Fatalf("%v", err)
	}
	photo := gocv.IMRead(filepath.Join(dir, "sample1.jpg"), gocv.IMReadColor)
	if photo.Empty() {
		t.Fatalf("cannot read sample1.jpg in %s; install it with: %s", dir, models.InstallCommand)
	}
	defer photo.Close()
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(photo, &small, image.Pt(300, 200), 0, 0, gocv.InterpolationArea)
	region := photo.Region(image.Rect(700, 300, 1200, 800))
	defer region.Close()
	grey := gocv.NewMatWithSize(64, 64, gocv.MatTypeCV8UC1)
	defer grey.Close()

	before := gocv.MatProfile.Count()
	d, err := NewSSDDetector(testenv.Model(t, "ssd"), SSDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		for _, img := range []gocv.Mat{photo, small, region} {
			if _, err := d.Detect(ctx, img); err != nil {
				t.Fatalf("Detect: %v", err)
			}
		}
		if _, err := d.Detect(ctx, grey); err == nil {
			t.Fatal("Detect on a grey image: no error")
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := d.Detect(cancelled, photo); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled: err = %v, want context.Canceled", err)
		}
	}
	d.Close()
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("live Mats: %d before, %d after", before, after)
	}
}
