// Command crowdphoto writes a synthetic crowd photo as a JPEG, with the true
// box of every face beside it (NAME.json), for memory and speed
// measurements on photos of any size. It is a development tool: nothing in
// the app or the CLI imports it.
//
//	go run ./internal/synth/crowdphoto -w 12000 -h 9000 -faces 150 -min 30 -max 400 -seed 16 -o big.jpg
//
// is the 12000x9000 photo of docs/benchmarks.md ("Memory").
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image/jpeg"
	"os"

	"facecase/internal/synth"
)

func main() {
	w := flag.Int("w", 12000, "width in pixels")
	h := flag.Int("h", 9000, "height in pixels")
	faces := flag.Int("faces", 150, "faces to paste")
	minSide := flag.Int("min", 30, "smallest face side in pixels")
	maxSide := flag.Int("max", 400, "largest face side in pixels")
	seed := flag.Int64("seed", 16, "random seed (the same options give the same photo)")
	crops := flag.String("crops", "../shared/data/faceapi/people", "folder of face crops, one sub-folder per person")
	out := flag.String("o", "crowd.jpg", "JPEG to write (the boxes go to the same name + .json)")
	quality := flag.Int("q", 90, "JPEG quality")
	flag.Parse()
	if err := write(*crops, *out, *quality, synth.CrowdOptions{Width: *w, Height: *h, Faces: *faces, MinSize: *minSide, MaxSize: *maxSide, Seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "crowdphoto:", err)
		os.Exit(1)
	}
}

func write(cropsDir, out string, quality int, opts synth.CrowdOptions) error {
	crops, err := synth.LoadCrops(cropsDir)
	if err != nil {
		return err
	}
	img, placed, err := synth.Crowd(crops, opts)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: quality}); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	boxes, err := json.MarshalIndent(placed, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out+".json", boxes, 0o644)
}
