package recognition

import (
	"context"
	"errors"
	"fmt"
	"image"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/models"
	"facecase/recognition/scorenorm"
)

// ErrBadFrame is returned for a frame the engine cannot analyse (empty, or
// not 8-bit BGR).
var ErrBadFrame = errors.New("frame is not an 8-bit BGR image")

// Options configure an Engine.
type Options struct {
	// Detector names the face detector: facedata.UltraFace (default,
	// photos), facedata.BlazeFace (fast, video) or another of
	// facedata.DetectorNames.
	Detector facedata.DetectorName
	// MinFaceSize is the smallest face, in frame pixels, the engine looks
	// for. Frames too large to find such faces in one pass are scanned at
	// several scales (an octave pyramid for UltraFace, overlapping tiles
	// for the SSD's BlazeFace passes). 0 means one pass over the whole
	// frame.
	MinFaceSize int
	// MinScore is the lowest detector confidence kept; 0 keeps the
	// detector's default.
	MinScore float32
	// Descriptors asks for the 128-D descriptor of every face.
	Descriptors bool
	// Quality holds the limits that decide whether a face is usable.
	Quality facedata.QualityLimits
	// WithoutCohort starts the engine without the score normalisation
	// cohort, so faces get no cohort statistics. Only for making a new
	// cohort (facecase-cli models cohort): everything else needs them.
	WithoutCohort bool
	// Runtime is the inference runtime of every net: RuntimeORT (default)
	// or RuntimeOpenCV.
	Runtime string
	// Shared, when set, gives the engine the aligner, descriptor net and
	// cohort it shares with the other engines started with it, instead
	// of loading its own (nil: its own).
	Shared *SharedModels
}

// DefaultOptions finds faces from 20 pixels with the UltraFace detector
// on ONNX Runtime and computes descriptors.
func DefaultOptions() Options {
	return Options{Detector: facedata.DefaultDetector, MinFaceSize: 20, Descriptors: true, Quality: facedata.DefaultQualityLimits, Runtime: RuntimeORT}
}

// Engine turns frames into faces. It is safe for concurrent use; Close it
// when done.
type Engine struct {
	opts     Options
	detector Detector
	fine     Detector // tiles large frames for small faces; nil: no tiling
	verifier Detector // confirms faces the others found; nil: none of its own
	// smallVerifier is the verifier at a smaller input, for a few
	// candidates; nil: none (or its model is not installed).
	smallVerifier *SSDDetector
	scanner       faceScanner
	aligner       *Aligner
	descriptors   *DescriptorNet // nil when descriptors are off
	// cohort gives every descriptor its cohort statistics (see
	// recognition/scorenorm); nil when descriptors are off.
	cohort *scorenorm.Cohort
	// models gives the aligner, descriptor net and cohort: Options.Shared,
	// or own, the engine's private set (nil when Options.Shared is set).
	models, own *SharedModels
}

// NewEngine loads the models the options need. A missing model gives an
// error matching models.ErrModelMissing that names the model and the
// command that installs it.
func NewEngine(opts Options) (*Engine, error) {
	if opts.Detector == "" {
		opts.Detector = facedata.DefaultDetector
	}
	if opts.Quality == (facedata.QualityLimits{}) {
		opts.Quality = facedata.DefaultQualityLimits
	}
	e := &Engine{opts: opts, models: opts.Shared}
	if e.models == nil {
		e.own = NewSharedModels()
		e.models = e.own
	}
	// The models load at the same time: the shape predictor (66 MB of
	// trees, mapped) on one core, the nets on the other.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Add(3)
	go func() {
		defer wg.Done()
		errs[0] = e.loadDetectors()
	}()
	go func() {
		defer wg.Done()
		errs[1] = e.loadAligner()
	}()
	go func() {
		defer wg.Done()
		if opts.Descriptors {
			errs[2] = e.loadDescriptors()
		}
	}()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("start engine: %w", err)
		}
	}
	// The model files (45 MB) and their parsed checks are garbage once the
	// sessions hold the weights; the Go runtime would keep the pages for
	// minutes. Hand them back now.
	debug.FreeOSMemory()
	return e, nil
}

// Confirming small faces: the SSD verifier is loaded with ssdVerifyFloor so
// that it reports weak faces, and a face BlazeFace alone found is kept when
// the product of the two scores is at least ssdVerifyMinJoint. Measured on
// the candidates BlazeFace alone found in three synthetic crowds (345 real
// faces) and 18 real photos (26 false alarms on suits, hands, a wine glass,
// plaid), as the verification mosaic shows them: products of 0.16 or more
// keep 342 of the real faces and none of the false alarms (the highest is
// 0.14).
const (
	ssdVerifyFloor    = 0.05
	ssdVerifyMinJoint = 0.16
)

// UltraFace's thresholds. Every face UltraFace finds from
// ultraCandidateScore up is shown to the SSD (loaded with ssdVerifyFloor)
// in a mosaic, and kept when the product of the two scores is at least
// ultraVerifyMinJoint. Measured with the engine on the demo photos' hand
// ground truth (28 faces), two generated 1920x1280 crowds of 124 faces of
// 20-120 px (seeds 42 and 7; IoU 0.5) and 18 face_recognition photos
// (knn_examples and the test photos, counted faces): UltraFace alone at its
// own threshold (0.7) found 28/28 with 1 false box, 118 and 114 of the
// crowds, and false boxes on a sleeve, a painting and a neck in the real
// photos. With the SSD's opinion, products of 0.27 and more keep 28/28, 122
// and 111 of the crowds, and no false box anywhere; the highest false
// product was 0.240 (an ear), then 0.185 (a painting). A lower limit keeps
// more of the smallest crowd faces (0.16: 123 and 114) and those boxes.
//
// Faces UltraFace scored ultraSureScore or more skip the SSD's opinion
// (its passes were a third of the processor time of a folder of photos).
// Measured on every candidate of the face_recognition
// photos (test photos, knn_examples, test_images) and the demo photos, 66
// candidates: the 55 true faces all scored 0.99 or more, the 11 the SSD
// rejected (necks, hands, a painting, parts of faces) at most 0.927.
// Faces that scored ultraSureScore are kept unverified in every frame, and
// only the others go to the SSD: on eight generated 1920x1280 crowds of 124
// faces (seeds 1-7 and 42) that found 958 faces against 955 when every
// face of a frame with one doubtful face was verified, with no false box
// either way, in a quarter less processor time (docs/benchmarks.md). The
// SSD's verdict on a cell depends a little on its neighbours, so single
// crowds move by a few faces either way (seed 7: 110 against 111).
const (
	ultraCandidateScore = 0.5
	ultraVerifyMinJoint = 0.27
	ultraSureScore      = 0.99
)

// loadDetectors builds the detectors and the scan plan for the options.
func (e *Engine) loadDetectors() error {
	var err error
	switch e.opts.Detector {
	case facedata.UltraFace:
		// One detector at every scale: the whole frame at 320 pixels for
		// large faces, then an octave pyramid down to the smallest face,
		// each level trusted with faces of 16-48 detector pixels. Every face
		// found is shown to the SSD in a mosaic for a second opinion: to the
		// SSD converted for 256x256 when one to four need it (a quarter of
		// the 512 model's run, the same verdicts), else to the 512 one.
		minScore := e.opts.MinScore
		if minScore <= 0 {
			minScore = ultraCandidateScore
		}
		if e.detector, err = newDetector(facedata.UltraFace, minScore, 0, e.opts.Runtime); err != nil {
			return err
		}
		e.fine = e.detector
		if e.verifier, err = newDetector(facedata.SSD, ssdVerifyFloor, 0, e.opts.Runtime); err != nil {
			return err
		}
		if e.smallVerifier, err = loadSmallVerifier(e.opts.Runtime); err != nil {
			return err
		}
		uf := e.detector.(*UltraFaceDetector)
		e.scanner = faceScanner{coarse: uf, fine: uf, verifier: e.verifier.(sizedDetector), verifyMin: ultraVerifyMinJoint,
			verifyAll: true, sureScore: ultraSureScore, minFace: float64(e.opts.MinFaceSize), octaves: true}
		if e.smallVerifier != nil {
			e.scanner.smallVerifier = e.smallVerifier
		}
	case facedata.SSD:
		// The SSD is loaded with the low verification threshold; its
		// whole-frame pass then keeps only scores of opts.MinScore (0.5 by
		// default). Small faces come from BlazeFace passes over the whole
		// frame: the SSD would cost about 4x more for the same smallest face
		// (44 px of its 512 input against 28 px of 256).
		if e.detector, err = newDetector(facedata.SSD, ssdVerifyFloor, 0, e.opts.Runtime); err != nil {
			return err
		}
		if e.fine, err = newDetector(facedata.BlazeFace, 0, 0, e.opts.Runtime); err != nil {
			return err
		}
		coarseMin := e.opts.MinScore
		if coarseMin <= 0 {
			coarseMin = 0.5
		}
		e.scanner = faceScanner{coarse: e.detector, coarseMin: coarseMin, fine: e.fine.(scalingDetector),
			verifier: e.detector.(sizedDetector), verifyMin: ssdVerifyMinJoint, minFace: float64(e.opts.MinFaceSize)}
	case facedata.BlazeFace:
		if e.detector, err = newDetector(facedata.BlazeFace, e.opts.MinScore, 0, e.opts.Runtime); err != nil {
			return err
		}
		e.fine = e.detector
		bf := e.detector.(*BlazeFaceDetector)
		// BlazeFace confirms its own small faces at a larger scale; both
		// looks must pass its own threshold (0.6 by default).
		e.scanner = faceScanner{coarse: bf, fine: bf, verifier: bf, verifyMin: 0.36, minFace: float64(e.opts.MinFaceSize)}
	default:
		if e.detector, err = newDetector(e.opts.Detector, e.opts.MinScore, e.opts.MinFaceSize, e.opts.Runtime); err != nil {
			return err
		}
		e.scanner = faceScanner{coarse: e.detector}
	}
	return nil
}

// loadCohort returns the shipped score normalisation cohort, refusing one
// made with another descriptor model than the file at descriptorPath.
func loadCohort(descriptorPath string) (*scorenorm.Cohort, error) {
	c, err := models.LoadCohort()
	if err != nil {
		return nil, err
	}
	if err := models.CheckDescriptorModel(c, descriptorPath); err != nil {
		return nil, err
	}
	return c, nil
}

// Cohort is the score normalisation cohort the engine computes every
// descriptor's statistics with (nil when descriptors are off, or with
// Options.WithoutCohort).
func (e *Engine) Cohort() *scorenorm.Cohort { return e.cohort }

// Options returns the options the engine runs with.
func (e *Engine) Options() Options { return e.opts }

// Close releases every model.
func (e *Engine) Close() error {
	if e.detector != nil {
		e.detector.Close()
	}
	if e.fine != nil && e.fine != e.detector {
		e.fine.Close()
	}
	if e.verifier != nil {
		e.verifier.Close()
	}
	if e.smallVerifier != nil {
		e.smallVerifier.Close()
	}
	if e.own != nil {
		e.own.Close() // shared models stay for the engines that share them
	}
	return nil
}

// Analyze finds every face in a BGR 8-bit frame: box, score, 68 landmarks,
// quality, aligned chip and (when enabled) descriptor. Faces come in reading
// order (top to bottom, then left to right). A frame without faces gives an
// empty slice and no error.
func (e *Engine) Analyze(ctx context.Context, frame gocv.Mat) ([]facedata.Face, error) {
	if frame.Empty() || frame.Type() != gocv.MatTypeCV8UC3 {
		return nil, ErrBadFrame
	}
	dets, err := e.detect(ctx, frame)
	if err != nil {
		return nil, fmt.Errorf("detect faces: %w", err)
	}
	return e.describe(ctx, frame, dets)
}

// AnalyzeBoxes skips detection: it aligns, measures and describes the faces
// in the given boxes (for example boxes a tracker carried forward, or a box
// a user drew).
func (e *Engine) AnalyzeBoxes(ctx context.Context, frame gocv.Mat, boxes []facedata.Rect) ([]facedata.Face, error) {
	if frame.Empty() || frame.Type() != gocv.MatTypeCV8UC3 {
		return nil, ErrBadFrame
	}
	dets := make([]facedata.Detection, len(boxes))
	for i, b := range boxes {
		dets[i] = facedata.Detection{Box: b.Clip(frame.Cols(), frame.Rows()), Score: 1}
	}
	return e.describe(ctx, frame, dets)
}

// Describe computes descriptors for aligned RGB 150x150 chips.
func (e *Engine) Describe(ctx context.Context, chips []gocv.Mat) ([]facedata.Descriptor, error) {
	if e.descriptors == nil {
		return nil, fmt.Errorf("describe: the engine was started without descriptors")
	}
	return e.descriptors.Compute(ctx, chips)
}

// describe aligns every detection, measures its quality and computes the
// descriptors in one batch.
func (e *Engine) describe(ctx context.Context, frame gocv.Mat, dets []facedata.Detection) ([]facedata.Face, error) {
	faces := make([]facedata.Face, len(dets))
	chips := make([]gocv.Mat, len(dets))
	defer func() {
		for i := range chips {
			chips[i].Close()
		}
	}()
	errs := make([]error, len(dets))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(dets)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				errs[i] = e.alignOne(frame, dets[i], &faces[i], &chips[i])
			}
		}()
	}
	for i := range dets {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if e.descriptors != nil && len(chips) > 0 {
		descs, err := e.descriptors.Compute(ctx, chips)
		if err != nil {
			return nil, fmt.Errorf("compute descriptors: %w", err)
		}
		for i := range faces {
			d := descs[i]
			faces[i].Descriptor = &d
			if e.cohort != nil {
				faces[i].Cohort = e.cohort.Stats(&d)
			}
		}
	}
	sort.SliceStable(faces, func(i, j int) bool {
		a, b := faces[i].Box, faces[j].Box
		// Same row when the vertical centres are within half a face.
		if d := (a.Y + a.H/2) - (b.Y + b.H/2); d < -min(a.H, b.H)/2 || d > min(a.H, b.H)/2 {
			return d < 0
		}
		return a.X < b.X
	})
	return faces, nil
}

// alignOne places the landmarks, cuts the chip and measures the quality of
// one detection.
func (e *Engine) alignOne(frame gocv.Mat, det facedata.Detection, face *facedata.Face, chip *gocv.Mat) error {
	// dlib's shape predictor was trained on its HOG detector's boxes; other
	// detectors' boxes are mapped to that framing first (Face.Box keeps the
	// detector's own box).
	lm, c, err := e.aligner.Align(frame, HOGLikeBox(e.detector.Name(), det.Box))
	if err != nil {
		return fmt.Errorf("align face at %v: %w", det.Box, err)
	}
	*chip = c
	rgba, err := chipToRGBA(c)
	if err != nil {
		return err
	}
	*face = facedata.Face{
		Box:       det.Box.Clip(frame.Cols(), frame.Rows()),
		Score:     det.Score,
		Detector:  e.detector.Name(),
		Landmarks: lm,
		Quality:   measureQuality(lm, c, e.opts.Quality),
		Chip:      rgba,
	}
	return nil
}

// chipToRGBA copies an RGB 8UC3 chip into an image.RGBA.
func chipToRGBA(chip gocv.Mat) (*image.RGBA, error) {
	b, err := chip.DataPtrUint8()
	if err != nil || chip.Type() != gocv.MatTypeCV8UC3 {
		return nil, fmt.Errorf("face chip: %w", ErrBadChip)
	}
	w, h := chip.Cols(), chip.Rows()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	step := chip.Step()
	for y := 0; y < h; y++ {
		row := b[y*step : y*step+3*w]
		out := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			out[4*x], out[4*x+1], out[4*x+2], out[4*x+3] = row[3*x], row[3*x+1], row[3*x+2], 255
		}
	}
	return img, nil
}
