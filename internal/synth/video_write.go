package synth

import (
	"context"
	"fmt"
	"image"
	"os"

	"gocv.io/x/gocv"
)

// WriteVideo renders every frame of scene and writes it to path with
// OpenCV's writer. codec is a FourCC such as "MJPG" (in .avi) or "mp4v" (in
// .mp4). It stops early when ctx is cancelled and removes the partial file.
func WriteVideo(ctx context.Context, path, codec string, scene VideoScene, crops []Crop) error {
	r, err := NewVideoRenderer(scene, crops)
	if err != nil {
		return err
	}
	vw, err := gocv.VideoWriterFile(path, codec, scene.FPS, scene.Width, scene.Height, true)
	if err != nil {
		return fmt.Errorf("write video %s: %w", path, err)
	}
	if !vw.IsOpened() {
		vw.Close()
		os.Remove(path)
		return fmt.Errorf("write video %s: OpenCV cannot write codec %q to this file type", path, codec)
	}
	bgr := gocv.NewMatWithSize(scene.Height, scene.Width, gocv.MatTypeCV8UC3)
	defer bgr.Close()
	for f := 0; f < scene.Frames; f++ {
		if err := ctx.Err(); err != nil {
			vw.Close()
			os.Remove(path)
			return err
		}
		if err := rgbaToBGR(r.Frame(f), &bgr); err != nil {
			vw.Close()
			os.Remove(path)
			return fmt.Errorf("write video %s: %w", path, err)
		}
		if err := vw.Write(bgr); err != nil {
			vw.Close()
			os.Remove(path)
			return fmt.Errorf("write video %s: frame %d: %w", path, f, err)
		}
	}
	return vw.Close()
}

// rgbaToBGR copies an RGBA image into a BGR Mat of the same size.
func rgbaToBGR(img *image.RGBA, dst *gocv.Mat) error {
	b := img.Bounds()
	if dst.Cols() != b.Dx() || dst.Rows() != b.Dy() || dst.Type() != gocv.MatTypeCV8UC3 {
		return fmt.Errorf("frame is %dx%d, Mat is %dx%d %v", b.Dx(), b.Dy(), dst.Cols(), dst.Rows(), dst.Type())
	}
	data, err := dst.DataPtrUint8()
	if err != nil {
		return err
	}
	w := b.Dx()
	for y := 0; y < b.Dy(); y++ {
		src := img.Pix[y*img.Stride : y*img.Stride+4*w]
		row := data[y*3*w : (y+1)*3*w]
		for x := 0; x < w; x++ {
			row[3*x], row[3*x+1], row[3*x+2] = src[4*x+2], src[4*x+1], src[4*x]
		}
	}
	return nil
}
