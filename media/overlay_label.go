package media

import (
	"image"
	"image/color"
	"image/draw"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// drawLabel writes text in black on a tab of the box's colour, above the
// box when there is room, else just inside its top.
func drawLabel(dst draw.Image, cv canvas, box image.Rectangle, text string, col color.RGBA) {
	face := basicfont.Face7x13
	text = labelText(text)
	const padX, padY = 3, 2
	w := font.MeasureString(face, text).Ceil() + 2*padX
	h := face.Metrics().Height.Ceil() + 2*padY
	tab := image.Rect(box.Min.X-1, box.Min.Y-1-h, box.Min.X-1+w, box.Min.Y-1)
	if tab.Min.Y < cv.bounds().Min.Y {
		tab = tab.Add(image.Pt(0, h+1))
	}
	fillRect(cv, tab, col)
	d := &font.Drawer{
		Dst:  dst,
		Src:  image.NewUniform(color.RGBA{0, 0, 0, 255}),
		Face: face,
		Dot:  fixed.P(tab.Min.X+padX, tab.Min.Y+padY+face.Metrics().Ascent.Ceil()),
	}
	d.DrawString(text)
}

// labelPunct spells the punctuation labels use in the ASCII the label font
// has ("P3 · confirmed: Subject A" would otherwise show a box for the dot).
var labelPunct = strings.NewReplacer("·", "-", "•", "-", "–", "-", "—", "-", "✓", "+", "…", "...", "’", "'", "‘", "'", "“", `"`, "”", `"`)

// labelText is text in the label font's ASCII: known punctuation spelt
// out, accented Latin letters without their accents (é to e, by Unicode's
// decomposition), anything else a question mark.
func labelText(text string) string {
	text = labelPunct.Replace(text)
	var b strings.Builder
	for _, r := range text {
		switch {
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			if base := []rune(norm.NFD.String(string(r)))[0]; base >= 'A' && base <= 'z' && unicode.IsLetter(base) {
				b.WriteRune(base)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}
