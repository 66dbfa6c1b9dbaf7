package views

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"sync"
	"time"

	"facecase/casefile"
	"facecase/progress"
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
		{ID: 1, Time: t, Operator: "Det. Searcher", Purpose: "robbery 2024/117", Threshold: 0.6,
			Probe: casefile.Probe{DetectionID: 40, EvidenceID: 3}, WatchlistSize: 12, WatchlistVersion: 5,
			Candidates: []casefile.Candidate{
				{Rank: 1, SubjectID: 7, Label: "Subject Seven", EnrolmentID: 70, Distance: 0.412},
				{Rank: 2, SubjectID: 8, Label: "Subject Eight", EnrolmentID: 80, Distance: 0.557},
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
