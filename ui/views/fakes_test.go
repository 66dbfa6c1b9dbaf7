package views

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/progress"
	"facecase/recognition/eval"
	"facecase/recognition/scorenorm"
	"facecase/ui/session"
)

// fakeStart is a StartBackend that records what it is asked.
type fakeStart struct {
	mu       sync.Mutex
	recent   []RecentCase
	opened   []string
	created  []casefile.CaseInfo
	shown    int
	openErr  error
	reviewer string
}

func (f *fakeStart) RecentCases() []RecentCase { return f.recent }
func (f *fakeStart) Reviewer() string          { return f.reviewer }
func (f *fakeStart) CaseFolder() string        { return "/cases" }

func (f *fakeStart) CreateCase(ctx context.Context, info casefile.CaseInfo, path string) (*session.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created = append(f.created, info)
	f.opened = append(f.opened, path)
	return nil, nil
}

func (f *fakeStart) OpenCase(ctx context.Context, path string) (*session.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, path)
	return nil, f.openErr
}

func (f *fakeStart) OpenDemoCase(ctx context.Context, rep progress.Reporter) (*session.Session, error) {
	rep.Report(progress.Update{Stage: "demo", Done: 1, Total: 2})
	return f.OpenCase(ctx, "demo.facecase")
}

func (f *fakeStart) ShowCase(*session.Session) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shown++
}

// fakeReview is a ReviewBackend with one search of two candidates.
type fakeReview struct {
	mu       sync.Mutex
	searches []casefile.SearchRecord
	reviews  []casefile.ReviewRecord
	actor    string
}

func newFakeReview() *fakeReview {
	t := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return &fakeReview{actor: "Det. Reviewer", searches: []casefile.SearchRecord{
		{ID: 1, Time: t, Operator: "Det. Searcher", Purpose: "robbery 2024/117",
			Point: scorenorm.OperatingPoint{TargetFMR: 1e-4, Threshold: -2.4, Calibration: "cohort test"},
			Probe: casefile.Probe{DetectionID: 40, EvidenceID: 3}, WatchlistSize: 12, WatchlistVersion: 5,
			Candidates: []casefile.Candidate{
				{Rank: 1, SubjectID: 7, Label: "Subject Seven", EnrolmentID: 70, Score: -5.31, Distance: 0.412},
				{Rank: 2, SubjectID: 8, Label: "Subject Eight", EnrolmentID: 80, Score: -2.67, Distance: 0.557},
			}},
		{ID: 2, Time: t, Operator: "Det. Searcher", Threshold: 0.6, Probe: casefile.Probe{DetectionID: 41, EvidenceID: 3}},
	}}
}

func (f *fakeReview) Searches() ([]casefile.SearchRecord, error) { return f.searches, nil }
func (f *fakeReview) Actor() string                              { return f.actor }

func (f *fakeReview) CandidateStatus(searchID, subjectID uint64) (casefile.CandidateReview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cr := casefile.CandidateReview{SearchID: searchID, SubjectID: subjectID, Status: casefile.StatusUnreviewed, Required: 1}
	for _, r := range f.reviews {
		if r.SearchID == searchID && r.SubjectID == subjectID {
			cr.Reviews = append(cr.Reviews, r)
			switch r.Decision {
			case casefile.DecisionConfirm:
				cr.Status, cr.Confirmations = casefile.StatusConfirmed, 1
			case casefile.DecisionReject:
				cr.Status = casefile.StatusRejected
			default:
				cr.Status = casefile.StatusInconclusive
			}
		}
	}
	return cr, nil
}

func (f *fakeReview) Review(req casefile.ReviewRequest) (casefile.ReviewRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := casefile.ReviewRecord{ID: uint64(len(f.reviews) + 1), SearchID: req.SearchID, SubjectID: req.SubjectID,
		Decision: req.Decision, Reviewer: f.actor, Time: time.Date(2024, 5, 2, 9, 30, 0, 0, time.UTC), Note: req.Note}
	f.reviews = append(f.reviews, r)
	return r, nil
}

func (f *fakeReview) FaceCrop(ctx context.Context, detectionID uint64, side int) (image.Image, error) {
	return flatPicture(color.RGBA{0xc0, 0x80, 0x60, 0xff}), nil
}

func (f *fakeReview) Enrolments(subjectID uint64) ([]casefile.Enrolment, error) {
	return []casefile.Enrolment{{ID: subjectID * 10, SubjectID: subjectID, Provenance: casefile.Provenance{Source: "custody photo", ImageSHA256: "ab"}}}, nil
}

func (f *fakeReview) EnrolmentImage(ctx context.Context, e casefile.Enrolment, side int) (image.Image, error) {
	if e.SubjectID == 8 {
		return nil, errors.New("no picture")
	}
	return flatPicture(color.RGBA{0x60, 0x80, 0xc0, 0xff}), nil
}

func flatPicture(c color.RGBA) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 50))
	draw.Draw(img, img.Rect, image.NewUniform(c), image.Point{}, draw.Src)
	return img
}

// labEmbedder stands in for the recognition engine in the Lab's tests: an
// image's descriptor lies near a point of its identity (the folder name),
// moved by the file's bytes, in 8 of the 128 dimensions so that mated and
// non-mated distances overlap; a file starting with "blank" has no face.
type labEmbedder struct{}

func (labEmbedder) ModelID() string { return "views-test-embedder" }

func (labEmbedder) Embed(ctx context.Context, path string) (facedata.Descriptor, error) {
	var d facedata.Descriptor
	data, err := os.ReadFile(path)
	if err != nil {
		return d, errors.Join(eval.ErrUnreadable, err)
	}
	if bytes.HasPrefix(data, []byte("blank")) {
		return d, eval.ErrNoFace
	}
	who, what := fnv.New64a(), fnv.New64a()
	who.Write([]byte(filepath.Base(filepath.Dir(path))))
	what.Write(data)
	person := rand.New(rand.NewPCG(who.Sum64(), 7))
	shot := rand.New(rand.NewPCG(what.Sum64(), 11))
	for i := 0; i < 8; i++ {
		d[i] = float32(0.15*person.NormFloat64() + 0.12*shot.NormFloat64())
	}
	return d, nil
}

// labCohort is a score normalisation cohort of 100 strangers made like
// labEmbedder's descriptors (the shipped cohort's real faces lie far from
// them).
func labCohort() (*scorenorm.Cohort, error) {
	rng := rand.New(rand.NewPCG(99, 7))
	descs := make([]facedata.Descriptor, 100)
	for i := range descs {
		for j := 0; j < 8; j++ {
			descs[i][j] = float32(0.15*rng.NormFloat64() + 0.12*rng.NormFloat64())
		}
	}
	return scorenorm.New(scorenorm.Info{ID: "views-test-cohort", K: scorenorm.DefaultK, DescriptorModelSHA256: "test"}, descs)
}

// fakeLab is a LabBackend that evaluates with recognition/eval and
// labEmbedder. While gate is open (not closed) a run reports progress and
// waits, so tests can watch it run and cancel it.
type fakeLab struct {
	mu       sync.Mutex
	gate     chan struct{}
	requests []session.LabRequest
	applied  []casefile.ThresholdCalibration
	settings casefile.Settings
	path     string
	finished time.Time
}

func newFakeLab(t *testing.T) *fakeLab {
	return &fakeLab{gate: make(chan struct{}), path: filepath.Join(t.TempDir(), "LAB-1.facecase"),
		finished: time.Date(2026, 11, 26, 1, 40, 0, 0, time.UTC)}
}

func (f *fakeLab) RunLab(ctx context.Context, req session.LabRequest, rep progress.Reporter) (*session.LabOutcome, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	gate := f.gate
	f.mu.Unlock()
	rep.Report(progress.Update{Stage: "enrol", Done: 3, Total: 32, Unit: "images"})
	select {
	case <-gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var ds *eval.Dataset
	var err error
	switch req.Kind {
	case session.LabManifest:
		ds, err = eval.ReadManifest(req.Dataset, req.Groups)
	case session.LabFolders:
		ds, err = eval.ReadFolders(req.Dataset)
	default:
		err = fmt.Errorf("fake lab: %s datasets are not supported", req.Kind)
	}
	if err != nil {
		return nil, err
	}
	cfg := eval.DefaultConfig()
	cfg.Threshold, cfg.TargetFMRs, cfg.Bootstrap, cfg.Progress = req.Threshold, []float64{req.TargetFMR}, 50, rep
	cohort, err := labCohort()
	if err != nil {
		return nil, err
	}
	cfg.Normalizer = scorenorm.LabNormalizer{Cohort: cohort}
	r, err := eval.Run(ctx, ds, labEmbedder{}, cfg)
	if err != nil {
		return nil, err
	}
	plots, err := session.RenderLabPlots(ctx, r, rep)
	if err != nil {
		return nil, err
	}
	out := &session.LabOutcome{Result: r, Dataset: session.LabDatasetName(ds), Plots: plots, Finished: f.finished}
	if req.ReportRoot != "" {
		out.ReportDir = filepath.Join(req.ReportRoot, "run")
		if err := os.MkdirAll(out.ReportDir, 0o755); err != nil {
			return nil, err
		}
		if err := eval.WriteReport(out.ReportDir, r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (f *fakeLab) SetCaseThreshold(cal casefile.ThresholdCalibration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied = append(f.applied, cal)
	f.settings.MatchThreshold, f.settings.Calibration = cal.Threshold, cal
	return nil
}

func (f *fakeLab) Settings() (casefile.Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings, nil
}

func (f *fakeLab) UserSettings() session.Settings {
	return session.Settings{Detector: "ssd", SearchFMR: 1e-4, VerifyFMR: 1e-3, Reviewer: "Det. Lab"}
}

func (f *fakeLab) Path() string { return f.path }
