package media

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"gocv.io/x/gocv"
)

// canvas sets opaque pixels, or blends translucent ones over what is
// there, ignoring those outside its bounds.
type canvas interface {
	set(x, y int, c color.RGBA)
	// blend draws c at opacity alpha (0 to 1) over the pixel.
	blend(x, y int, c color.RGBA, alpha float64)
	bounds() image.Rectangle
}

// over is c at opacity alpha composited over the premultiplied pixel d.
func over(d color.RGBA, c color.RGBA, alpha float64) color.RGBA {
	mix := func(s, t uint8) uint8 { return uint8(float64(s)*alpha + float64(t)*(1-alpha) + 0.5) }
	return color.RGBA{mix(c.R, d.R), mix(c.G, d.G), mix(c.B, d.B), mix(255, d.A)}
}

func canvasFor(dst draw.Image) canvas {
	switch d := dst.(type) {
	case *image.RGBA:
		return rgbaCanvas{d}
	case *bgrImage:
		return d
	}
	return genericCanvas{dst}
}

type rgbaCanvas struct{ img *image.RGBA }

func (c rgbaCanvas) bounds() image.Rectangle { return c.img.Rect }

func (c rgbaCanvas) set(x, y int, col color.RGBA) {
	if !(image.Point{x, y}.In(c.img.Rect)) {
		return
	}
	i := c.img.PixOffset(x, y)
	p := c.img.Pix[i : i+4 : i+4]
	p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 255
}

func (c rgbaCanvas) blend(x, y int, col color.RGBA, alpha float64) {
	if !(image.Point{x, y}.In(c.img.Rect)) {
		return
	}
	c.img.SetRGBA(x, y, over(c.img.RGBAAt(x, y), col, alpha))
}

type genericCanvas struct{ img draw.Image }

func (c genericCanvas) blend(x, y int, col color.RGBA, alpha float64) {
	if image.Pt(x, y).In(c.img.Bounds()) {
		d := color.RGBAModel.Convert(c.img.At(x, y)).(color.RGBA)
		c.img.Set(x, y, over(d, col, alpha))
	}
}

func (c genericCanvas) bounds() image.Rectangle { return c.img.Bounds() }

func (c genericCanvas) set(x, y int, col color.RGBA) {
	if image.Pt(x, y).In(c.img.Bounds()) {
		c.img.Set(x, y, col)
	}
}

func (b *bgrImage) blend(x, y int, c color.RGBA, alpha float64) {
	if x < 0 || y < 0 || x >= b.width || y >= b.height {
		return
	}
	b.set(x, y, over(b.At(x, y).(color.RGBA), c, alpha))
}

// bgrImage is a draw.Image over the pixels of a continuous 8-bit BGR Mat,
// so overlays are drawn straight into video frames.
type bgrImage struct {
	pix           []byte
	width, height int
}

// matImage wraps m's pixels; m must stay open while the image is used.
func matImage(m gocv.Mat) (*bgrImage, error) {
	if m.Empty() || m.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("draw overlay: frame must be 8-bit BGR, got type %v", m.Type())
	}
	if !m.IsContinuous() {
		return nil, fmt.Errorf("draw overlay: frame is a non-continuous region; clone it first")
	}
	pix, err := m.DataPtrUint8()
	if err != nil {
		return nil, fmt.Errorf("draw overlay: %w", err)
	}
	return &bgrImage{pix: pix, width: m.Cols(), height: m.Rows()}, nil
}

// DrawOverlayMat draws ov into an 8-bit BGR Mat (see DrawOverlay).
func DrawOverlayMat(dst gocv.Mat, ov Overlay, style OverlayStyle) error {
	img, err := matImage(dst)
	if err != nil {
		return err
	}
	DrawOverlay(img, ov, style)
	return nil
}

// ColorModel is RGBA: pixels are converted to and from BGR.
func (b *bgrImage) ColorModel() color.Model { return color.RGBAModel }

// Bounds is the frame's size.
func (b *bgrImage) Bounds() image.Rectangle { return image.Rect(0, 0, b.width, b.height) }

func (b *bgrImage) bounds() image.Rectangle { return b.Bounds() }

// At reads a pixel.
func (b *bgrImage) At(x, y int) color.Color {
	if x < 0 || y < 0 || x >= b.width || y >= b.height {
		return color.RGBA{}
	}
	i := 3 * (y*b.width + x)
	return color.RGBA{b.pix[i+2], b.pix[i+1], b.pix[i], 255}
}

// Set writes an opaque pixel.
func (b *bgrImage) Set(x, y int, c color.Color) {
	r, g, bl, _ := c.RGBA()
	b.set(x, y, color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255})
}

func (b *bgrImage) set(x, y int, c color.RGBA) {
	if x < 0 || y < 0 || x >= b.width || y >= b.height {
		return
	}
	i := 3 * (y*b.width + x)
	b.pix[i], b.pix[i+1], b.pix[i+2] = c.B, c.G, c.R
}
