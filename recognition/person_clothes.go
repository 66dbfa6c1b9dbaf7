package recognition

import (
	"fmt"
	"math"
	"sync"

	"gocv.io/x/gocv"

	"facecase/facedata"
)

// Clothes colours: the person tracker's appearance cue. Each body part's
// pixels are binned by hue and saturation when they have a colour, and by
// brightness when they are grey, dark or washed out: a blue coat and a
// black coat stay apart under the same light, while the same coat keeps its
// bins as it turns and moves through shade (brightness only splits the
// grey bins).

// Body parts as fractions of the person box: the torso below the head and
// above the hips, the legs above the feet, both away from the box's sides
// (background).
var (
	torsoPart = facedata.Rect{X: 0.25, Y: 0.2, W: 0.5, H: 0.3}
	legsPart  = facedata.Rect{X: 0.3, Y: 0.55, W: 0.4, H: 0.35}
)

// clothesSamples bounds the pixels read per part: enough for a stable
// histogram, and constant time for large people.
const clothesSamples = 1200

// colourBin maps a pixel quantised to 5 bits per channel (b<<10|g<<5|r) to
// its histogram bin.
var colourBin = sync.OnceValue(func() []uint8 {
	lut := make([]uint8, 1<<15)
	for i := range lut {
		b, g, r := float64(i>>10&31)/31, float64(i>>5&31)/31, float64(i&31)/31
		hi, lo := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
		v, s := hi, 0.0
		if hi > 0 {
			s = (hi - lo) / hi
		}
		if v < 0.2 || s < 0.25 {
			lut[i] = uint8(24 + min(int(v*6), 5)) // grey levels
			continue
		}
		var h float64 // degrees
		switch hi {
		case r:
			h = math.Mod((g-b)/(hi-lo)*60+360, 360)
		case g:
			h = (b-r)/(hi-lo)*60 + 120
		default:
			h = (r-g)/(hi-lo)*60 + 240
		}
		hb := int(h/45) % 8
		sb := min(int((s-0.25)/0.25), 2)
		lut[i] = uint8(hb*3 + sb)
	}
	return lut
})

// MeasureClothes fills in the clothes colours of people found in img (a
// continuous BGR 8-bit frame).
func MeasureClothes(img gocv.Mat, people []facedata.Person) error {
	if img.Empty() || img.Type() != gocv.MatTypeCV8UC3 || !img.IsContinuous() {
		return fmt.Errorf("measure clothes: %w", ErrBadFrame)
	}
	pix, err := img.DataPtrUint8()
	if err != nil {
		return fmt.Errorf("measure clothes: %w", err)
	}
	cols, rows := img.Cols(), img.Rows()
	for i := range people {
		c := &facedata.ClothesColour{}
		partHistogram(&c.Upper, pix, cols, rows, people[i].Box, torsoPart)
		partHistogram(&c.Lower, pix, cols, rows, people[i].Box, legsPart)
		people[i].Clothes = c
	}
	return nil
}

// partHistogram bins a part of a person box, sampling a regular grid of at
// most clothesSamples pixels; the histogram sums to 1, or stays zero when
// the part lies outside the frame.
func partHistogram(h *[facedata.ColourBins]float32, pix []byte, cols, rows int, box, part facedata.Rect) {
	r := facedata.Rect{X: box.X + part.X*box.W, Y: box.Y + part.Y*box.H, W: part.W * box.W, H: part.H * box.H}.Clip(cols, rows).Image()
	if r.Dx() <= 0 || r.Dy() <= 0 {
		return
	}
	step := max(1, int(math.Sqrt(float64(r.Dx()*r.Dy())/clothesSamples)))
	lut := colourBin()
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y += step {
		row := pix[3*y*cols:]
		for x := r.Min.X; x < r.Max.X; x += step {
			p := row[3*x : 3*x+3]
			h[lut[int(p[0]>>3)<<10|int(p[1]>>3)<<5|int(p[2]>>3)]]++
			n++
		}
	}
	for i := range h {
		h[i] /= float32(n)
	}
}
