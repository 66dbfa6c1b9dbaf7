//go:build matprofile

package recognition_test

import (
	"context"
	"image"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
)

// TestAlignAndHOGMatLeak checks that the aligner and the HOG detector
// create no Mat they do not hand over (the chip) or close: on a photo, on a
// region of a larger Mat (copied internally), on a grey frame, on bad input
// and on bad boxes. Run with:
// go test -tags matprofile ./recognition/ -run MatLeak
func TestAlignAndHOGMatLeak(t *testing.T) {
	a := alignTestAligner(t)
	h := alignTestHOG(t)
	photo := alignRead(t, "face_recognition/obama_small.jpg")
	defer photo.Close()
	canvas := gocv.NewMatWithSize(photo.Rows()+20, photo.Cols()+20, gocv.MatTypeCV8UC3)
	defer canvas.Close()
	region := canvas.Region(image.Rect(10, 10, 10+photo.Cols(), 10+photo.Rows()))
	defer region.Close()
	photo.CopyTo(&region)
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(photo, &grey, gocv.ColorBGRToGray)
	float := gocv.NewMatWithSize(40, 40, gocv.MatTypeCV32FC3)
	defer float.Close()

	before := gocv.MatProfile.Count()
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		for _, img := range []gocv.Mat{photo, region, grey} {
			dets, err := h.Detect(ctx, img)
			if err != nil || len(dets) != 1 {
				t.Fatalf("Detect: %v, %v", dets, err)
			}
			_, chip, err := a.Align(img, dets[0].Box)
			if err != nil {
				t.Fatal(err)
			}
			chip.Close()
		}
		if _, _, err := a.Align(float, facedata.Rect{X: 1, Y: 1, W: 20, H: 20}); err == nil {
			t.Fatal("float frame aligned")
		}
		if _, err := h.Detect(ctx, float); err == nil {
			t.Fatal("float frame detected")
		}
		if _, _, err := a.Align(region, facedata.Rect{X: 5000, Y: 5000, W: 20, H: 20}); err == nil {
			t.Fatal("box outside the frame aligned")
		}
	}
	if after := gocv.MatProfile.Count(); after != before {
		t.Errorf("%d Mats left open", after-before)
	}
}
