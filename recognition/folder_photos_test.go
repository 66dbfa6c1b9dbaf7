package recognition

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"testing"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/internal/testenv"
)

// folderPhoto is one photo of the bench's folder with the faces placed in it.
type folderPhoto struct {
	name   string
	frame  gocv.Mat
	placed []facedata.Rect
}

// benchFolderPhotos makes the 40 photos facecase-cli bench times as its
// folder (3 real face crops of 120-260 px on 1280x960, seeds 100-139),
// through JPEG at quality 90 as the bench writes them. Close the frames.
func benchFolderPhotos(t testing.TB) []folderPhoto {
	t.Helper()
	crops, err := synth.LoadCrops(testenv.SharedData(t, "faceapi/people"))
	if err != nil {
		t.Fatal(err)
	}
	var photos []folderPhoto
	for i := 0; i < 40; i++ {
		img, placed, err := synth.Crowd(crops, synth.CrowdOptions{Width: 1280, Height: 960, Faces: 3, MinSize: 120, MaxSize: 260, Seed: int64(100 + i)})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		frame, err := gocv.IMDecode(buf.Bytes(), gocv.IMReadColor)
		if err != nil {
			t.Fatal(err)
		}
		p := folderPhoto{name: fmt.Sprintf("folder photo %d", i), frame: frame}
		for _, f := range placed {
			p.placed = append(p.placed, facedata.RectFromImage(f.Box))
		}
		photos = append(photos, p)
	}
	return photos
}

// TestEngineFindsEveryFaceInTheBenchFolder: every face of the bench's
// folder is found (IoU >= 0.5 with the pasted crop) and nothing else.
func TestEngineFindsEveryFaceInTheBenchFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses 40 photos")
	}
	e, err := NewEngine(Options{Detector: facedata.UltraFace, MinFaceSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	found, placed, falseBoxes := 0, 0, 0
	for _, p := range benchFolderPhotos(t) {
		dets, err := e.detect(context.Background(), p.frame)
		p.frame.Close()
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		used := make([]bool, len(dets))
		for _, truth := range p.placed {
			placed++
			hit := false
			for i, d := range dets {
				if !used[i] && d.Box.IoU(truth) >= 0.5 {
					used[i], hit = true, true
					found++
					break
				}
			}
			if !hit {
				t.Errorf("%s: the face at %v was not found", p.name, truth)
			}
		}
		for i, u := range used {
			if !u {
				falseBoxes++
				t.Errorf("%s: false box %v (score %.3f)", p.name, dets[i].Box, dets[i].Score)
			}
		}
	}
	t.Logf("%d of %d faces found, %d false boxes", found, placed, falseBoxes)
}
