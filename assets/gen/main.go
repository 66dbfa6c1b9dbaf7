// Command gen draws the facecase icon: a face outline inside a detection
// box, on a dark rounded square, with a trail of path dots — what the app
// does, in one picture. It writes a PNG (default assets/icon.png).
//
//	go run ./assets/gen -out assets/icon.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

// side is the icon's size; supersample is how many samples per pixel side
// are taken for smooth edges.
const (
	side        = 512
	supersample = 4
)

var (
	background = color.RGBA{0x1b, 0x26, 0x36, 0xff}
	faceColor  = color.RGBA{0xe8, 0xee, 0xf4, 0xff}
	boxColor   = color.RGBA{0xff, 0xa0, 0x00, 0xff}
	dotColors  = []color.RGBA{{0x4f, 0xc3, 0xf7, 0xff}, {0x81, 0xd4, 0xfa, 0xff}, {0xb3, 0xe5, 0xfc, 0xff}}
)

// shape says whether a point (in icon pixels) is inside, and its colour.
type shape struct {
	in  func(x, y float64) bool
	col color.RGBA
}

func main() {
	out := flag.String("out", "assets/icon.png", "PNG file to write")
	flag.Parse()
	if err := write(*out, draw()); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func shapes() []shape {
	var s []shape
	// Rounded square background.
	s = append(s, shape{func(x, y float64) bool { return roundRect(x, y, 16, 16, 496, 496, 96) }, background})
	// Path dots, growing towards the face.
	for i, c := range [][3]float64{{92, 420, 14}, {142, 392, 17}, {196, 370, 20}} {
		c := c
		s = append(s, shape{func(x, y float64) bool { return disc(x, y, c[0], c[1], c[2]) }, dotColors[i]})
	}
	// Face: head ellipse ring, eyes and mouth.
	s = append(s, shape{func(x, y float64) bool {
		return ellipse(x, y, 300, 236, 96, 122) && !ellipse(x, y, 300, 236, 78, 104)
	}, faceColor})
	s = append(s, shape{func(x, y float64) bool { return disc(x, y, 266, 214, 14) || disc(x, y, 334, 214, 14) }, faceColor})
	s = append(s, shape{func(x, y float64) bool { return roundRect(x, y, 268, 270, 332, 284, 7) }, faceColor})
	// Detection box with corner brackets.
	s = append(s, shape{func(x, y float64) bool { return brackets(x, y, 184, 96, 416, 376, 16, 70) }, boxColor})
	return s
}

func draw() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	sh := shapes()
	n := float64(supersample * supersample)
	for py := 0; py < side; py++ {
		for px := 0; px < side; px++ {
			var r, g, b, a float64
			for sy := 0; sy < supersample; sy++ {
				for sx := 0; sx < supersample; sx++ {
					x := float64(px) + (float64(sx)+0.5)/supersample
					y := float64(py) + (float64(sy)+0.5)/supersample
					var c color.RGBA
					for _, s := range sh {
						if s.in(x, y) {
							c = s.col
						}
					}
					r, g, b, a = r+float64(c.R), g+float64(c.G), b+float64(c.B), a+float64(c.A)
				}
			}
			img.SetRGBA(px, py, color.RGBA{uint8(r / n), uint8(g / n), uint8(b / n), uint8(a / n)})
		}
	}
	return img
}

func disc(x, y, cx, cy, r float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }

func ellipse(x, y, cx, cy, rx, ry float64) bool {
	dx, dy := (x-cx)/rx, (y-cy)/ry
	return dx*dx+dy*dy <= 1
}

func roundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return disc(x, y, cx, cy, r)
}

// brackets are the four corners of a box, each an L of arm length arm and
// width w.
func brackets(x, y, x0, y0, x1, y1, w, arm float64) bool {
	inBand := func(v, a, b float64) bool { return v >= a && v <= b }
	nearX0, nearX1 := inBand(x, x0, x0+arm), inBand(x, x1-arm, x1)
	nearY0, nearY1 := inBand(y, y0, y0+arm), inBand(y, y1-arm, y1)
	edgeX := inBand(x, x0, x0+w) || inBand(x, x1-w, x1)
	edgeY := inBand(y, y0, y0+w) || inBand(y, y1-w, y1)
	return (edgeY && (nearX0 || nearX1)) || (edgeX && (nearY0 || nearY1))
}

func write(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
