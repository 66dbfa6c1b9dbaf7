package synth

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand"
	"sort"
)

// VideoRenderer draws the frames of a VideoScene. It is not safe for
// concurrent use.
type VideoRenderer struct {
	scene  VideoScene
	crops  []Crop
	bg     *image.RGBA
	frame  *image.RGBA
	scaled map[[2]int]*image.RGBA // (crop, side) -> tinted face
	order  []int                  // actors by depth, farthest first
}

// NewVideoRenderer checks the scene and prepares its background.
func NewVideoRenderer(scene VideoScene, crops []Crop) (*VideoRenderer, error) {
	if err := scene.Validate(crops); err != nil {
		return nil, err
	}
	r := &VideoRenderer{
		scene:  scene,
		crops:  crops,
		bg:     Background(scene.Width, scene.Height, rand.New(rand.NewSource(scene.Seed))),
		frame:  image.NewRGBA(image.Rect(0, 0, scene.Width, scene.Height)),
		scaled: map[[2]int]*image.RGBA{},
	}
	for i := range scene.Actors {
		r.order = append(r.order, i)
	}
	sort.SliceStable(r.order, func(i, j int) bool {
		return scene.Actors[r.order[i]].Depth < scene.Actors[r.order[j]].Depth
	})
	return r, nil
}

// Scene is the scene being drawn.
func (r *VideoRenderer) Scene() VideoScene { return r.scene }

// Frame draws frame f. The image is reused by the next call: copy it to
// keep it.
func (r *VideoRenderer) Frame(f int) *image.RGBA {
	copy(r.frame.Pix, r.bg.Pix)
	for _, i := range r.order {
		a := &r.scene.Actors[i]
		box, ok := a.At(f)
		if !ok || box.Empty() {
			continue
		}
		face := r.face(a.Crop, box.Dx())
		draw.Draw(r.frame, box, face, image.Point{}, draw.Src)
	}
	for k := range r.scene.Occluders {
		if o, ok := r.scene.Occluders[k].At(f); ok {
			drawOccluder(r.frame, o)
		}
	}
	return r.frame
}

// face is crop i scaled to side x side pixels, cached.
func (r *VideoRenderer) face(i, side int) *image.RGBA {
	key := [2]int{i, side}
	if f, ok := r.scaled[key]; ok {
		return f
	}
	f := image.NewRGBA(image.Rect(0, 0, side, side))
	PasteFace(f, r.crops[i].Image, f.Bounds())
	r.scaled[key] = f
	return f
}

// drawOccluder draws an occluder: a dark panel with light stripes, clearly
// not a face.
func drawOccluder(dst *image.RGBA, rect image.Rectangle) {
	draw.Draw(dst, rect, image.NewUniform(color.RGBA{40, 60, 70, 255}), image.Point{}, draw.Src)
	for y := rect.Min.Y + 4; y < rect.Max.Y-4; y += 12 {
		stripe := image.Rect(rect.Min.X+6, y, rect.Max.X-6, y+3)
		draw.Draw(dst, stripe, image.NewUniform(color.RGBA{200, 200, 180, 255}), image.Point{}, draw.Src)
	}
}
