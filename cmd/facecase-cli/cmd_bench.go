package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"syscall"
	"text/tabwriter"
	"time"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/synth"
	"facecase/media"
	"facecase/models"
	"facecase/progress"
	"facecase/recognition"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "measure the engine's speed figures and print them as a table",
		usage:   "[--runs N] [--min-face PX] [--runtime ort|opencv|both] [--crops DIR] [--json]",
		run:     runBench,
	})
}

// benchFigure is one measured speed figure.
type benchFigure struct {
	Name     string  `json:"name"`
	Runtime  string  `json:"runtime"`
	Target   string  `json:"target"`
	Measured float64 `json:"measured"`
	Unit     string  `json:"unit"`
	Pass     bool    `json:"pass"`
	// CPU is the process's processor time per unit measured, in ms (per
	// face, per photo, per image).
	CPU  float64 `json:"cpu_ms"`
	Note string  `json:"note,omitempty"`
}

func runBench(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, commands["bench"])
	runs := newIntFlag(fs, "runs", "N", 5, numberRange[int]{Min: 1, Max: 1000}, "repetitions per figure (the median is reported)")
	opts := recognition.DefaultOptions()
	intFlag(fs, &opts.MinFaceSize, "min-face", "PX", opts.MinFaceSize, minFaceRange, "smallest face to find, in pixels")
	detectorFlag(fs, &opts.Detector, "")
	runtimeFlag := fs.String("runtime", recognition.RuntimeORT, "inference runtime: ort, opencv, or both (side by side, with their ratio)")
	crops := fs.String("crops", defaultCropsDir(), "folder of face crops, one sub-folder per person (for the crowd and folder figures)")
	asJSON := fs.Bool("json", false, "print the figures as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	runtimes := []string{*runtimeFlag}
	if *runtimeFlag == "both" {
		runtimes = recognition.RuntimeNames()
	}
	for _, r := range runtimes {
		if !slices.Contains(recognition.RuntimeNames(), r) {
			return fmt.Errorf("%w: --runtime %q: want ort, opencv or both", errUsage, r)
		}
	}
	faceCrops, cropErr := synth.LoadCrops(*crops)
	if cropErr != nil {
		fmt.Fprintf(env.stderr, "bench: crowd and folder figures skipped: %v\n", cropErr)
	}
	var figs []benchFigure
	for _, rt := range runtimes {
		o := opts
		o.Runtime = rt
		f, err := benchRuntime(ctx, o, faceCrops, *runs)
		if err != nil {
			return fmt.Errorf("bench on %s: %w", rt, err)
		}
		figs = append(figs, f...)
	}
	if *asJSON {
		return json.NewEncoder(env.stdout).Encode(struct {
			CPUs    int           `json:"cpus"`
			MinFace int           `json:"min_face"`
			Figures []benchFigure `json:"figures"`
		}{runtime.NumCPU(), opts.MinFaceSize, figs})
	}
	fmt.Fprintf(env.stdout, "facecase engine on %d CPUs, detector %s, min face %d px, median of %d runs\n\n",
		runtime.NumCPU(), opts.Detector, opts.MinFaceSize, *runs)
	if len(runtimes) == 2 {
		return printBenchSideBySide(env, figs)
	}
	tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tRUNTIME\tTARGET\tMEASURED\tCPU TIME\tRESULT\tNOTE")
	for _, f := range figs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f %s\t%.1f ms\t%s\t%s\n", f.Name, f.Runtime, f.Target, f.Measured, f.Unit, f.CPU, benchResult(f), f.Note)
	}
	return tw.Flush()
}

func benchResult(f benchFigure) string {
	if f.Pass {
		return "ok"
	}
	return "MISSED"
}

// printBenchSideBySide prints each figure on both runtimes and how many
// times faster ONNX Runtime is.
func printBenchSideBySide(env *cliEnv, figs []benchFigure) error {
	tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tTARGET\tORT\tOPENCV\tORT FASTER BY\tCPU TIME ORT / OPENCV\tRESULT (ORT)")
	for _, a := range figs {
		if a.Runtime != recognition.RuntimeORT {
			continue
		}
		for _, b := range figs {
			if b.Runtime != recognition.RuntimeOpenCV || b.Name != a.Name {
				continue
			}
			ratio := b.Measured / a.Measured // times: smaller is faster
			if a.Unit == "images/s" {
				ratio = a.Measured / b.Measured
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f %s\t%.1f %s\t%.2fx\t%.1f / %.1f ms\t%s\n", a.Name, a.Target, a.Measured, a.Unit, b.Measured, b.Unit, ratio, a.CPU, b.CPU, benchResult(a))
		}
	}
	return tw.Flush()
}

// benchRuntime measures every figure with one engine on opts.Runtime; the
// first is the engine's own start (models read, sessions built, nets warmed
// up).
func benchRuntime(ctx context.Context, opts recognition.Options, faceCrops []synth.Crop, runs int) ([]benchFigure, error) {
	start, c0 := time.Now(), processCPU()
	engine, err := recognition.NewEngine(opts)
	if err != nil {
		return nil, err
	}
	defer engine.Close()
	load := ms(time.Since(start))
	figs := []benchFigure{{Name: "model load + warm-up, all nets", Target: "<= 1500 ms", Measured: load, Unit: "ms", Pass: load <= 1500,
		CPU: ms(processCPU() - c0), Note: "engine started first in the run"}}
	add := func(f benchFigure, err error) error {
		if err != nil {
			return err
		}
		figs = append(figs, f)
		return nil
	}
	if err := add(benchDescriptor(ctx, engine, faceCrops, runs)); err != nil {
		return nil, err
	}
	if err := add(benchPhoto(ctx, engine, runs)); err != nil {
		return nil, err
	}
	if len(faceCrops) > 0 {
		if err := add(benchCrowd(ctx, engine, faceCrops, runs)); err != nil {
			return nil, err
		}
		if err := add(benchFolder(ctx, engine, faceCrops)); err != nil {
			return nil, err
		}
	}
	for i := range figs {
		figs[i].Runtime = opts.Runtime
	}
	return figs, nil
}

func defaultCropsDir() string {
	if d := os.Getenv("FACECASE_SHARED_DATA"); d != "" {
		return filepath.Join(d, "faceapi", "people")
	}
	return filepath.Join("..", "shared", "data", "faceapi", "people")
}

// median runs fn n times and returns the median wall time and the mean
// processor time of the process (every thread, user and system) per run.
func median(n int, fn func() error) (wall, cpu time.Duration, err error) {
	var ds []time.Duration
	c0 := processCPU()
	for i := 0; i < max(1, n); i++ {
		t := time.Now()
		if err := fn(); err != nil {
			return 0, 0, err
		}
		ds = append(ds, time.Since(t))
	}
	cpu = (processCPU() - c0) / time.Duration(len(ds))
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], cpu, nil
}

// processCPU is the processor time the process has used so far. On a
// shared machine it moves less with the load than wall time does: with two
// cores to itself, a job that keeps both busy takes about half its
// processor time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchDescriptor times descriptors for 32 chips in one batch.
func benchDescriptor(ctx context.Context, engine *recognition.Engine, crops []synth.Crop, runs int) (benchFigure, error) {
	const batch = 32
	img := synth.Background(600, 300, rand.New(rand.NewSource(1)))
	var boxes []facedata.Rect
	for i := 0; i < batch; i++ {
		x, y := (i%8)*75, (i/8)*75
		if len(crops) > 0 {
			synth.PasteFace(img, crops[i%len(crops)].Image, image.Rect(x, y, x+70, y+70))
		}
		boxes = append(boxes, facedata.Rect{X: float64(x), Y: float64(y), W: 70, H: 70})
	}
	frame, err := gocv.ImageToMatRGB(img)
	if err != nil {
		return benchFigure{}, err
	}
	defer frame.Close()
	faces, err := engine.AnalyzeBoxes(ctx, frame, boxes)
	if err != nil {
		return benchFigure{}, err
	}
	chips := make([]gocv.Mat, len(faces))
	for i, f := range faces {
		m, err := gocv.ImageToMatRGBA(f.Chip)
		if err != nil {
			return benchFigure{}, err
		}
		chips[i] = gocv.NewMat()
		gocv.CvtColor(m, &chips[i], gocv.ColorBGRAToBGR) // drops alpha, keeps RGB order
		m.Close()
		defer chips[i].Close()
	}
	d, cpu, err := median(runs, func() error { _, err := engine.Describe(ctx, chips); return err })
	per := ms(d) / batch
	return benchFigure{Name: "descriptor, batch of 32", Target: "<= 3 ms/face", Measured: per, Unit: "ms/face", Pass: per <= 3, CPU: ms(cpu) / batch}, err
}

// benchPhoto times a 1920x1280 demo photo end to end (decode + analyze).
func benchPhoto(ctx context.Context, engine *recognition.Engine, runs int) (benchFigure, error) {
	dir, err := models.SamplesDir()
	if err != nil {
		return benchFigure{}, err
	}
	path := filepath.Join(dir, "sample1.jpg")
	var faces int
	d, cpu, err := median(runs, func() error {
		img, err := media.LoadImage(path)
		if err != nil {
			return err
		}
		defer img.Close()
		fs, err := engine.Analyze(ctx, img)
		faces = len(fs)
		return err
	})
	return benchFigure{Name: "1920x1280 photo end to end", Target: "<= 150 ms", Measured: ms(d), Unit: "ms", Pass: ms(d) <= 150, CPU: ms(cpu),
		Note: fmt.Sprintf("sample1.jpg, %d faces", faces)}, err
}

// benchCrowd times a synthetic crowd of 120 real face crops at 20-120 px.
func benchCrowd(ctx context.Context, engine *recognition.Engine, crops []synth.Crop, runs int) (benchFigure, error) {
	img, placed, err := synth.Crowd(crops, synth.CrowdOptions{Width: 1920, Height: 1280, Faces: 120, MinSize: 20, MaxSize: 120, Seed: 7})
	if err != nil {
		return benchFigure{}, err
	}
	frame, err := gocv.ImageToMatRGB(img)
	if err != nil {
		return benchFigure{}, err
	}
	defer frame.Close()
	var found int
	d, cpu, err := median(runs, func() error {
		fs, err := engine.Analyze(ctx, frame)
		found = len(fs)
		return err
	})
	return benchFigure{Name: "120-face crowd image", Target: "<= 1000 ms", Measured: ms(d), Unit: "ms", Pass: ms(d) <= 1000, CPU: ms(cpu),
		Note: fmt.Sprintf("1920x1280, %d placed, %d found", len(placed), found)}, err
}

// benchFolder runs the analyze pipeline over a folder of 3-face photos.
func benchFolder(ctx context.Context, engine *recognition.Engine, crops []synth.Crop) (benchFigure, error) {
	dir, err := os.MkdirTemp("", "facecase-bench-")
	if err != nil {
		return benchFigure{}, err
	}
	defer os.RemoveAll(dir)
	const n = 40
	var files []string
	for i := 0; i < n; i++ {
		img, _, err := synth.Crowd(crops, synth.CrowdOptions{Width: 1280, Height: 960, Faces: 3, MinSize: 120, MaxSize: 260, Seed: int64(100 + i)})
		if err != nil {
			return benchFigure{}, err
		}
		p := filepath.Join(dir, fmt.Sprintf("photo%02d.jpg", i))
		f, err := os.Create(p)
		if err != nil {
			return benchFigure{}, err
		}
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 90})
		f.Close()
		if err != nil {
			return benchFigure{}, err
		}
		files = append(files, p)
	}
	start, c0 := time.Now(), processCPU()
	err = analyzeFiles(ctx, engine, files, runtime.GOMAXPROCS(0), progress.Discard, func(r analyzeResult) error { return r.Err })
	rate := float64(n) / time.Since(start).Seconds()
	return benchFigure{Name: "folder of 3-face photos (analyze)", Target: ">= 15 images/s", Measured: rate, Unit: "images/s", Pass: rate >= 15,
		CPU:  ms(processCPU()-c0) / n,
		Note: fmt.Sprintf("%d JPEGs 1280x960, %d workers", n, runtime.GOMAXPROCS(0))}, err
}
