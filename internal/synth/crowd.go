package synth

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"

	"golang.org/x/image/draw"
)

// CrowdOptions describes a synthetic crowd photo.
type CrowdOptions struct {
	Width, Height    int
	Faces            int
	MinSize, MaxSize int // face side in pixels, drawn log-uniformly
	Seed             int64
}

// PlacedFace is one face pasted into a synthetic image, with its true box.
type PlacedFace struct {
	Box      image.Rectangle
	Identity string
}

// Crowd pastes real face crops at random sizes and positions, never
// overlapping, onto a cluttered synthetic background. It returns the image
// and the true box of every face. The same options give the same image.
func Crowd(crops []Crop, opts CrowdOptions) (*image.RGBA, []PlacedFace, error) {
	if len(crops) == 0 {
		return nil, nil, fmt.Errorf("crowd: no face crops")
	}
	if opts.MinSize <= 0 || opts.MaxSize < opts.MinSize {
		return nil, nil, fmt.Errorf("crowd: bad face size range %d..%d", opts.MinSize, opts.MaxSize)
	}
	rng := rand.New(rand.NewSource(opts.Seed))
	img := Background(opts.Width, opts.Height, rng)
	var placed []PlacedFace
	for i := 0; i < opts.Faces; i++ {
		crop := crops[rng.Intn(len(crops))]
		ok := false
		for attempt := 0; attempt < 2000 && !ok; attempt++ {
			lo, hi := math.Log(float64(opts.MinSize)), math.Log(float64(opts.MaxSize))
			size := int(math.Round(math.Exp(lo + rng.Float64()*(hi-lo))))
			if size >= opts.Width || size >= opts.Height {
				continue
			}
			x, y := rng.Intn(opts.Width-size), rng.Intn(opts.Height-size)
			box := image.Rect(x, y, x+size, y+size)
			if collides(box, placed) {
				continue
			}
			PasteFace(img, crop.Image, box)
			placed = append(placed, PlacedFace{Box: box, Identity: crop.Identity})
			ok = true
		}
		if !ok {
			return nil, nil, fmt.Errorf("crowd: no room for face %d of %d in %dx%d", i+1, opts.Faces, opts.Width, opts.Height)
		}
	}
	return img, placed, nil
}

// collides reports whether box comes within a quarter of its size of any
// placed face (faces touching would merge into one detection).
func collides(box image.Rectangle, placed []PlacedFace) bool {
	for _, p := range placed {
		m := max(box.Dx(), p.Box.Dx()) / 4
		if box.Inset(-m).Overlaps(p.Box) {
			return true
		}
	}
	return false
}

// PasteFace scales a face crop into box with a high-quality filter and a
// warm tint (the crops are grey).
func PasteFace(dst *image.RGBA, face image.Image, box image.Rectangle) {
	scaled := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	draw.CatmullRom.Scale(scaled, scaled.Bounds(), face, face.Bounds(), draw.Src, nil)
	for y := 0; y < box.Dy(); y++ {
		for x := 0; x < box.Dx(); x++ {
			c := scaled.RGBAAt(x, y)
			g := float64(c.G)
			dst.SetRGBA(box.Min.X+x, box.Min.Y+y, color.RGBA{
				R: clamp8(g * 1.08), G: clamp8(g * 0.97), B: clamp8(g * 0.88), A: 255,
			})
		}
	}
}

// Background draws a gradient with low-frequency blotches and random
// rectangles and lines: clutter without faces.
func Background(w, h int, rng *rand.Rand) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	base := [3]float64{90 + 60*rng.Float64(), 90 + 60*rng.Float64(), 90 + 60*rng.Float64()}
	type blob struct{ x, y, r, a float64 }
	blobs := make([]blob, 12)
	for i := range blobs {
		blobs[i] = blob{rng.Float64() * float64(w), rng.Float64() * float64(h), (0.05 + 0.2*rng.Float64()) * float64(w), 40 * (rng.Float64() - 0.5)}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 30 * float64(y) / float64(h)
			for _, b := range blobs {
				dx, dy := float64(x)-b.x, float64(y)-b.y
				v += b.a * math.Exp(-(dx*dx+dy*dy)/(2*b.r*b.r))
			}
			n := 6 * (rng.Float64() - 0.5)
			img.SetRGBA(x, y, color.RGBA{clamp8(base[0] + v + n), clamp8(base[1] + v + n), clamp8(base[2] + v + n), 255})
		}
	}
	for i := 0; i < 40; i++ {
		rw, rh := 10+rng.Intn(w/8), 10+rng.Intn(h/8)
		x, y := rng.Intn(w), rng.Intn(h)
		c := color.RGBA{uint8(rng.Intn(256)), uint8(rng.Intn(256)), uint8(rng.Intn(256)), 255}
		if i%2 == 0 { // thin lines (shelves, cables)
			rh = 2 + rng.Intn(3)
		}
		draw.Draw(img, image.Rect(x, y, x+rw, y+rh), image.NewUniform(c), image.Point{}, draw.Over)
	}
	return img
}

func clamp8(v float64) uint8 {
	return uint8(math.Max(0, math.Min(255, math.Round(v))))
}
