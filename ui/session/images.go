package session

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"path/filepath"

	"gocv.io/x/gocv"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/internal/fsutil"
	"facecase/media"
	"facecase/recognition"
)

// ThumbnailSide is the longest side of evidence thumbnails, in pixels.
const ThumbnailSide = 160

type thumbEntry struct {
	img image.Image
	err error
}

// Thumbnail is a small picture of an evidence item (a video's first
// frame), made once and kept.
func (s *Session) Thumbnail(ctx context.Context, evidenceID uint64) (image.Image, error) {
	s.mu.Lock()
	t, ok := s.thumbs[evidenceID]
	s.mu.Unlock()
	if ok {
		return t.img, t.err
	}
	img, err := s.makeThumbnail(ctx, evidenceID)
	if ctx.Err() != nil {
		return nil, ctx.Err() // not kept: a later call may finish
	}
	s.mu.Lock()
	s.thumbs[evidenceID] = thumbEntry{img, err}
	s.mu.Unlock()
	return img, err
}

func (s *Session) makeThumbnail(ctx context.Context, evidenceID uint64) (image.Image, error) {
	m, err := s.FirstFrame(ctx, evidenceID)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return fitRGBA(m, ThumbnailSide)
}

// FirstFrame decodes a photo, or the first frame of a video, from the
// evidence item's working copy. The caller closes the Mat.
func (s *Session) FirstFrame(ctx context.Context, evidenceID uint64) (gocv.Mat, error) {
	return s.Frame(ctx, evidenceID, 0)
}

// Frame decodes one frame of an evidence item (0 for a photo). The caller
// closes the Mat.
func (s *Session) Frame(ctx context.Context, evidenceID uint64, index int) (gocv.Mat, error) {
	ev, err := s.Evidence(evidenceID)
	if err != nil {
		return gocv.Mat{}, err
	}
	src, err := media.Open(ctx, s.EvidencePath(ev), media.SourceOptions{Buffer: 1})
	if err != nil {
		return gocv.Mat{}, err
	}
	defer src.Close()
	if index > 0 {
		if err := src.Seek(ctx, index); err != nil {
			return gocv.Mat{}, err
		}
	}
	f, err := src.Next(ctx)
	if errors.Is(err, io.EOF) {
		return gocv.Mat{}, fmt.Errorf("frame %d of %s: %w", index, ev.Name, io.ErrUnexpectedEOF)
	}
	if err != nil {
		return gocv.Mat{}, err
	}
	return f.Mat, nil
}

// FaceCrop cuts a detected face, with a margin, out of its frame and
// scales it to at most side pixels: the picture shown beside candidates.
func (s *Session) FaceCrop(ctx context.Context, detectionID uint64, side int) (image.Image, error) {
	d, err := s.Detection(detectionID)
	if err != nil {
		return nil, err
	}
	m, err := s.Frame(ctx, d.EvidenceID, int(d.Frame))
	if err != nil {
		return nil, err
	}
	defer m.Close()
	return cropFace(m, d.Box, side)
}

// cropFace cuts box, grown by a quarter on every side (the chip's
// padding), out of a BGR frame and scales it to at most side pixels.
func cropFace(m gocv.Mat, box facedata.Rect, side int) (image.Image, error) {
	r := box.Inset(-recognition.ChipPadding).Clip(m.Cols(), m.Rows()).Image()
	if r.Empty() {
		return nil, fmt.Errorf("crop face: box %v is outside the %dx%d frame", box, m.Cols(), m.Rows())
	}
	region := m.Region(r)
	defer region.Close()
	return fitRGBA(region, side)
}

// EnrolmentImage is a picture of an enrolment, when facecase can still
// find it: the face that was enrolled, cut from the evidence item with the
// recorded SHA-256 (the detection whose descriptor is the enrolment's), or
// else that whole evidence picture, or the file named as the source if its
// content still has that hash. The case file keeps descriptors and
// provenance, not enrolment pictures.
func (s *Session) EnrolmentImage(ctx context.Context, e casefile.Enrolment, side int) (image.Image, error) {
	sum := e.Provenance.ImageSHA256
	if sum == "" {
		return nil, fmt.Errorf("enrolment %d: %w: no image hash recorded", e.ID, ErrNoPicture)
	}
	if ev, err := s.EvidenceBySHA256(sum); err == nil {
		if d, ok := s.enrolledDetection(ev, e); ok {
			return s.FaceCrop(ctx, d.ID, side)
		}
		m, err := s.Frame(ctx, ev.ID, 0)
		if err != nil {
			return nil, err
		}
		defer m.Close()
		return fitRGBA(m, side)
	}
	if p := e.Provenance.Source; filepath.IsAbs(p) {
		if got, err := fsutil.SHA256File(p); err == nil && got == sum {
			m, err := media.LoadImage(p)
			if err != nil {
				return nil, err
			}
			defer m.Close()
			return fitRGBA(m, side)
		}
	}
	return nil, fmt.Errorf("enrolment %d: %w", e.ID, ErrNoPicture)
}

// enrolledDetection finds the detection of a photo whose descriptor was
// enrolled (EnrolFace copies it exactly).
func (s *Session) enrolledDetection(ev casefile.Evidence, e casefile.Enrolment) (casefile.Detection, bool) {
	if ev.Kind != casefile.KindPhoto {
		return casefile.Detection{}, false
	}
	dets, err := s.FrameDetections(ev.ID, 0)
	if err != nil {
		return casefile.Detection{}, false
	}
	for _, d := range dets {
		for i := range e.Descriptors {
			if d.Descriptor != nil && *d.Descriptor == e.Descriptors[i] {
				return d, true
			}
		}
	}
	return casefile.Detection{}, false
}

// ErrNoPicture is returned when an enrolment's picture cannot be found.
var ErrNoPicture = errors.New("the enrolment picture is not available")

func fitRGBA(m gocv.Mat, side int) (image.Image, error) {
	small := FitWithin(m, side)
	defer small.Close()
	return ToRGBA(small, nil)
}

// PersonCrop cuts a person's view (their best face, or their whole body
// when no face was seen) out of its frame and scales it to at most side
// pixels: the People list's thumbnail.
func (s *Session) PersonCrop(ctx context.Context, evidenceID uint64, view casefile.PersonView, side int) (image.Image, error) {
	m, err := s.Frame(ctx, evidenceID, int(view.Frame))
	if err != nil {
		return nil, err
	}
	defer m.Close()
	if view.FaceTrackID != 0 {
		return cropFace(m, view.Box, side)
	}
	r := view.Box.Inset(-0.05).Clip(m.Cols(), m.Rows()).Image()
	if r.Empty() {
		return nil, fmt.Errorf("crop person: box %v is outside the %dx%d frame", view.Box, m.Cols(), m.Rows())
	}
	region := m.Region(r)
	defer region.Close()
	return fitRGBA(region, side)
}
