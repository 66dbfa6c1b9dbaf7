package eval

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strings"
	"sync"

	"gocv.io/x/gocv"

	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/media"
	"facecase/models"
	"facecase/recognition"
)

// engineEmbedder runs the recognition engine on image files. The engine is
// loaded on the first Embed, so a run answered from the cache never pays
// for loading models.
type engineEmbedder struct {
	opts       recognition.Options
	id         string
	anyQuality bool

	mu      sync.Mutex
	engine  *recognition.Engine
	loadErr error
	closed  bool
}

// NewEngineEmbedder prepares the recognition engine (models from
// models.Locate, loaded when first needed) to compute descriptors: each
// image gives the descriptor of its largest usable face. Missing models are
// reported here. The caller closes it.
func NewEngineEmbedder(cfg EngineConfig) (ClosingEmbedder, error) {
	opts := recognition.DefaultOptions()
	if cfg.Detector != "" {
		opts.Detector = cfg.Detector
	}
	if cfg.MinFaceSize > 0 {
		opts.MinFaceSize = cfg.MinFaceSize
	}
	opts.Descriptors = true
	opts.WithoutCohort = cfg.WithoutCohort
	id, err := engineModelID(opts)
	if err != nil {
		return nil, err
	}
	if cfg.AnyQuality {
		id += ";any-quality"
	}
	return &engineEmbedder{opts: opts, id: id, anyQuality: cfg.AnyQuality}, nil
}

// loaded returns the engine, loading it on first use.
func (e *engineEmbedder) loaded() (*recognition.Engine, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, errors.New("recognition engine: used after Close")
	}
	if e.engine == nil && e.loadErr == nil {
		e.engine, e.loadErr = recognition.NewEngine(e.opts)
		if e.loadErr != nil {
			e.loadErr = fmt.Errorf("load recognition engine: %w", e.loadErr)
		}
	}
	return e.engine, e.loadErr
}

// engineModelID names the descriptor, landmark and detector model files by
// their SHA-256, with the settings that choose which face is used.
func engineModelID(opts recognition.Options) (string, error) {
	parts := []string{}
	for _, name := range []string{"descriptor", "shape-predictor-68", string(opts.Detector)} {
		p, err := models.Locate(name)
		if errors.Is(err, models.ErrUnknownModel) {
			continue // a detector without a model file (HOG)
		}
		if err != nil {
			return "", err
		}
		sum, err := fsutil.SHA256File(p)
		if err != nil {
			return "", fmt.Errorf("identify model %s: %w", name, err)
		}
		parts = append(parts, name+"="+sum[:16])
	}
	parts = append(parts, "detector="+string(opts.Detector), fmt.Sprintf("min-face=%d", opts.MinFaceSize),
		fmt.Sprintf("crop-padding<=%d", cropPaddingMaxSide))
	return strings.Join(parts, ";"), nil
}

// ModelID names the models and settings.
func (e *engineEmbedder) ModelID() string { return e.id }

// cropPaddingMaxSide is the largest image side for which a failed search is
// repeated with the image framed in a grey border as wide as itself. Face
// datasets are often tight crops (the face filling the frame), which
// detectors trained on scenes miss: on faceapi/people's 150x150 crops the
// SSD finds 1 face in 40 as they are and 40 in 40 so framed.
const cropPaddingMaxSide = 1024

// Embed decodes the image and returns the descriptor of its largest usable
// face (the higher detector score breaks a tie). A small image without a
// usable face is searched again inside a grey border (see
// cropPaddingMaxSide).
func (e *engineEmbedder) Embed(ctx context.Context, path string) (facedata.Descriptor, error) {
	engine, err := e.loaded()
	if err != nil {
		return facedata.Descriptor{}, err
	}
	img, err := media.LoadImage(path)
	if err != nil {
		return facedata.Descriptor{}, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	defer img.Close()
	faces, err := engine.Analyze(ctx, img)
	if err != nil {
		return facedata.Descriptor{}, fmt.Errorf("analyze %s: %w", path, err)
	}
	d, ok := largestFace(faces, e.anyQuality)
	if !ok && max(img.Cols(), img.Rows()) <= cropPaddingMaxSide {
		framed := gocv.NewMat()
		defer framed.Close()
		gocv.CopyMakeBorder(img, &framed, img.Rows(), img.Rows(), img.Cols(), img.Cols(), gocv.BorderConstant, color.RGBA{R: 128, G: 128, B: 128})
		more, err := engine.Analyze(ctx, framed)
		if err != nil {
			return facedata.Descriptor{}, fmt.Errorf("analyze %s (framed): %w", path, err)
		}
		faces = append(faces, more...)
		d, ok = largestFace(more, e.anyQuality)
	}
	if !ok {
		return facedata.Descriptor{}, fmt.Errorf("%s: %w (%s)", path, ErrNoFace, describeUnusable(faces))
	}
	return d, nil
}

// describeUnusable says why faces were not used: "no face found" or
// "1 face found: extreme pose".
func describeUnusable(faces []facedata.Face) string {
	if len(faces) == 0 {
		return "no face found"
	}
	seen := map[facedata.Reason]bool{}
	var reasons []string
	for _, f := range faces {
		for _, r := range f.Quality.Reasons {
			if !seen[r] {
				seen[r] = true
				reasons = append(reasons, string(r))
			}
		}
	}
	if len(reasons) == 0 {
		reasons = append(reasons, "no descriptor")
	}
	return fmt.Sprintf("%d faces found: %s", len(faces), strings.Join(reasons, ", "))
}

// largestFace returns the descriptor of the largest usable face (of any
// quality when anyQuality is set).
func largestFace(faces []facedata.Face, anyQuality bool) (facedata.Descriptor, bool) {
	best := -1
	for i := range faces {
		f := &faces[i]
		if f.Descriptor == nil || !f.Quality.Usable && !anyQuality {
			continue
		}
		if best < 0 || f.Box.Area() > faces[best].Box.Area() ||
			f.Box.Area() == faces[best].Box.Area() && f.Score > faces[best].Score {
			best = i
		}
	}
	if best < 0 {
		return facedata.Descriptor{}, false
	}
	return *faces[best].Descriptor, true
}

// Close releases the engine if it was loaded. Call it once no Embed is
// running.
func (e *engineEmbedder) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	if e.engine == nil {
		return nil
	}
	err := e.engine.Close()
	e.engine = nil
	return err
}
