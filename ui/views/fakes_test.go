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
	street   bool // the demo has the street video
}

func (f *fakeStart) RecentCases() []RecentCase { return f.recent }
func (f *fakeStart) DemoHasStreetVideo() bool  { return f.street }
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

func (f *fakeReview) EnrolmentEchoes(rec casefile.SearchRecord) ([]session.EnrolmentEcho, error) {
	var out []session.EnrolmentEcho
	for _, c := range rec.Candidates {
		if c.Distance == 0 {
			out = append(out, session.EnrolmentEcho{SubjectID: c.SubjectID, EnrolmentID: c.EnrolmentID, Label: c.Label})
		}
	}
	return out, nil
}

// fakeAudit is an AuditBackend over a log that grows when told.
type fakeAudit struct {
	mu   sync.Mutex
	rows []session.AuditRow // oldest first
}

func newFakeAudit() *fakeAudit {
	f := &fakeAudit{}
	t := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	add := func(actor, action, object, summary, note string) {
		f.add(session.AuditRow{Time: t, Actor: actor, Action: action, Object: object, Summary: summary, Note: note})
		t = t.Add(time.Minute)
	}
	add("DS Khan", "create", "case", "format version 1", "")
	add("DS Khan", "add_evidence", "evidence 1", "name cctv.mp4 · size 1048576", "")
	add("DS Khan", "search", "search 1", "candidates 2 · threshold 0.6 · purpose robbery 2024/117", "")
	add("Det. Reviewer", "review", "search 1", "decision confirm · subject id 7 · note \"same scar\"", "same scar above the left eye")
	return f
}

func (f *fakeAudit) add(r session.AuditRow) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.Seq = uint64(len(f.rows) + 1)
	r.Entry = casefile.AuditEntry{Seq: r.Seq, Time: r.Time, Actor: r.Actor, Action: casefile.Action(r.Action),
		Details: []byte(`{"n":1}`), Prev: "00", Hash: fmt.Sprintf("%064d", r.Seq)}
	f.rows = append(f.rows, r)
}

func (f *fakeAudit) AuditRows() ([]session.AuditRow, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]session.AuditRow, len(f.rows))
	for i, r := range f.rows {
		out[len(f.rows)-1-i] = r
	}
	return out, nil
}

func (f *fakeAudit) VerifyAudit() (casefile.AuditHead, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return casefile.AuditHead{Seq: uint64(len(f.rows)), SHA256: fmt.Sprintf("%064d", len(f.rows))}, nil
}

// fakeEvidence is an EvidenceBackend with three items from nested
// folders, two of them named alike.
type fakeEvidence struct {
	mu       sync.Mutex
	evs      []casefile.Evidence
	faces    map[uint64]uint64
	people   map[uint64]int // person tracks by evidence
	cands    map[uint64]int
	searched [][]uint64
	intake   []session.ItemStatus // what Intake reports
}

func newFakeEvidence() *fakeEvidence {
	t := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return &fakeEvidence{
		evs: []casefile.Evidence{
			{ID: 1, Name: "img1.jpg", OriginalPath: "/cases/drop/train/biden/img1.jpg", Kind: casefile.KindPhoto, MediaType: "image/jpeg", Size: 2048, SHA256: "aa", AddedAt: t},
			{ID: 2, Name: "img1.jpg", OriginalPath: "/cases/drop/train/obama/img1.jpg", Kind: casefile.KindPhoto, MediaType: "image/jpeg", Size: 4096, SHA256: "bb", AddedAt: t},
			{ID: 3, Name: "cctv.mp4", OriginalPath: "/cases/drop/cctv.mp4", Kind: casefile.KindVideo, MediaType: "video/mp4", Size: 1 << 20, SHA256: "cc", AddedAt: t},
		},
		faces:  map[uint64]uint64{1: 1, 2: 0, 3: 12},
		people: map[uint64]int{1: 5, 3: 4}, // a photo's count is not asked for
		cands:  map[uint64]int{3: 2},
	}
}

func (f *fakeEvidence) EvidenceList() ([]casefile.Evidence, error) { return f.evs, nil }
func (f *fakeEvidence) EvidenceCheckFor(id uint64) casefile.EvidenceCheck {
	return casefile.EvidenceCheck{EvidenceID: id, State: casefile.EvidenceOK}
}
func (f *fakeEvidence) DetectionCount(id uint64) (uint64, error) { return f.faces[id], nil }
func (f *fakeEvidence) PersonTrackCount(id uint64) (int, error)  { return f.people[id], nil }
func (f *fakeEvidence) ItemStatus(id uint64) session.ItemStatus {
	return session.ItemStatus{EvidenceID: id, State: session.StateStored, Fraction: -1}
}
func (f *fakeEvidence) Intake(ctx context.Context, paths []string, rep progress.Reporter, onItem func(session.ItemStatus)) error {
	for _, st := range f.intake {
		onItem(st)
	}
	return nil
}
func (f *fakeEvidence) Thumbnail(ctx context.Context, id uint64) (image.Image, error) {
	return flatPicture(color.RGBA{uint8(60 * id), 0x80, 0x60, 0xff}), nil
}
func (f *fakeEvidence) CandidateCounts() (map[uint64]int, error)            { return f.cands, nil }
func (f *fakeEvidence) PendingAnalyses() ([]casefile.AnalysisStatus, error) { return nil, nil }
func (f *fakeEvidence) SearchAll(ctx context.Context, ids []uint64, rep progress.Reporter) (session.SearchAllOutcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.searched = append(f.searched, ids)
	rep.Report(progress.Update{Stage: "search", Done: 1, Total: 2, Unit: "faces"})
	return session.SearchAllOutcome{Searched: 2, WithCandidates: 1}, nil
}

// fakeViewer is a ViewerBackend over a synthetic video (testVideo): two
// tracks, the first ended by a scene cut at frame 60, with a detection on
// every 4th frame of each track, and a watchlist that is empty until
// enrolled.
type fakeViewer struct {
	mu       sync.Mutex
	path     string
	dets     map[uint32][]casefile.Detection
	byID     map[uint64]casefile.Detection
	tracks   []casefile.Track
	searches []casefile.SearchRecord
	enrolled bool
	reviews  []casefile.ReviewRecord
	people   []casefile.PersonTrack
	crops    int // PersonCrop calls
}

func newFakeViewer(t testing.TB) *fakeViewer {
	f := &fakeViewer{path: testVideo(t), dets: map[uint32][]casefile.Detection{}, byID: map[uint64]casefile.Detection{}}
	id := uint64(1)
	for tr, span := range [][2]uint32{{0, 59}, {60, 149}} {
		t := casefile.Track{EvidenceID: 9, ID: uint64(tr + 1)}
		if tr == 0 {
			t.CutFrame = 60
		}
		for fr := span[0]; fr <= span[1]; fr++ {
			box := facedata.Rect{X: 20 + float64(fr), Y: 60 + 80*float64(tr), W: 40, H: 40}
			t.Path = append(t.Path, casefile.TrackPoint{Frame: fr, Time: time.Duration(fr) * 40 * time.Millisecond, Box: box})
			if fr%4 == 0 {
				var d facedata.Descriptor
				d[tr] = 1
				det := casefile.Detection{ID: id, EvidenceID: 9, Frame: fr, Time: time.Duration(fr) * 40 * time.Millisecond,
					Box: box, TrackID: t.ID, Detector: "blazeface", Score: 0.9, Descriptor: &d,
					Quality: facedata.Quality{Usable: true, Size: 30}}
				f.dets[fr] = append(f.dets[fr], det)
				f.byID[id] = det
				id++
			}
		}
		t.FirstFrame, t.LastFrame = span[0], span[1]
		f.tracks = append(f.tracks, t)
	}
	return f
}

// withPeople gives each face track its person: a box around and below
// the face, with that one face track.
func (f *fakeViewer) withPeople() *fakeViewer {
	for _, t := range f.tracks {
		p := casefile.PersonTrack{EvidenceID: 9, ID: t.ID, FirstFrame: t.FirstFrame, LastFrame: t.LastFrame,
			Faces:    []casefile.PersonFace{{TrackID: t.ID, Frames: uint32(len(t.Path) / 4)}},
			BestFace: &casefile.PersonView{Frame: t.FirstFrame, Box: t.Path[0].Box, FaceTrackID: t.ID}}
		for _, pt := range t.Path {
			b := pt.Box
			p.Path = append(p.Path, casefile.TrackPoint{Frame: pt.Frame, Time: pt.Time, Box: facedata.Rect{X: b.X - 10, Y: b.Y - 5, W: 60, H: 70}})
		}
		f.people = append(f.people, p)
	}
	return f
}

func (f *fakeViewer) PersonTracks(uint64) ([]casefile.PersonTrack, error) { return f.people, nil }
func (f *fakeViewer) PersonCrop(ctx context.Context, _ uint64, view casefile.PersonView, side int) (image.Image, error) {
	f.mu.Lock()
	f.crops++
	f.mu.Unlock()
	return image.NewRGBA(image.Rect(0, 0, side, side)), ctx.Err()
}

func (f *fakeViewer) Evidence(id uint64) (casefile.Evidence, error) {
	return casefile.Evidence{ID: 9, Name: "clip.avi", Kind: casefile.KindVideo}, nil
}
func (f *fakeViewer) EvidencePath(casefile.Evidence) string { return f.path }
func (f *fakeViewer) FrameDetections(_ uint64, frame uint32) ([]casefile.Detection, error) {
	return f.dets[frame], nil
}
func (f *fakeViewer) Detection(id uint64) (casefile.Detection, error) { return f.byID[id], nil }
func (f *fakeViewer) Tracks(uint64) ([]casefile.Track, error)         { return f.tracks, nil }
func (f *fakeViewer) TrackBestFaces(uint64) (map[uint64]casefile.Detection, error) {
	return map[uint64]casefile.Detection{1: f.byID[1], 2: f.byID[16]}, nil
}

func (f *fakeViewer) FaceStates(uint64) (map[uint64]session.FaceMatch, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[uint64]session.FaceMatch{}
	for _, s := range f.searches {
		for _, c := range s.Candidates {
			m := session.FaceMatch{State: session.FaceCandidate, SearchID: s.ID, SubjectID: c.SubjectID, Subject: c.Label}
			for _, r := range f.reviews {
				if r.SearchID == s.ID {
					m.State, m.Reviews = session.FaceConfirmed, append(m.Reviews, r)
				}
			}
			out[s.Probe.DetectionID] = m
		}
	}
	return out, nil
}

func (f *fakeViewer) SearchesFor(detectionID uint64) ([]casefile.SearchRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []casefile.SearchRecord
	for _, s := range f.searches {
		if s.Probe.DetectionID == detectionID {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeViewer) SearchFace(ctx context.Context, detectionID uint64, purpose string) (casefile.SearchRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.enrolled {
		return casefile.SearchRecord{}, session.ErrEmptyWatchlist
	}
	rec := casefile.SearchRecord{ID: uint64(len(f.searches) + 1), Operator: "Det. Viewer", Threshold: 0.6, WatchlistSize: 1,
		Probe:      casefile.Probe{DetectionID: detectionID, EvidenceID: 9},
		Candidates: []casefile.Candidate{{Rank: 1, SubjectID: 5, Label: "Subject Five", EnrolmentID: 50, Distance: 0}}}
	f.searches = append(f.searches, rec)
	return rec, nil
}

func (f *fakeViewer) EnrolmentEchoes(rec casefile.SearchRecord) ([]session.EnrolmentEcho, error) {
	var out []session.EnrolmentEcho
	for _, c := range rec.Candidates {
		if c.Distance == 0 {
			out = append(out, session.EnrolmentEcho{SubjectID: c.SubjectID, EnrolmentID: c.EnrolmentID, Label: c.Label})
		}
	}
	return out, nil
}

func (f *fakeViewer) CandidateStatus(searchID, subjectID uint64) (casefile.CandidateReview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cr := casefile.CandidateReview{SearchID: searchID, SubjectID: subjectID, Status: casefile.StatusUnreviewed, Required: 1}
	for _, r := range f.reviews {
		if r.SearchID == searchID {
			cr.Reviews = append(cr.Reviews, r)
			cr.Status, cr.Confirmations = casefile.StatusConfirmed, 1
		}
	}
	return cr, nil
}

func (f *fakeViewer) Subjects() ([]casefile.Subject, error) { return nil, nil }
func (f *fakeViewer) EnrolFace(detectionID, subjectID uint64, label, notes string, prov casefile.Provenance) (casefile.Subject, error) {
	if label == "bad" {
		return casefile.Subject{}, errors.New("label refused")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enrolled = true
	return casefile.Subject{ID: 5, Label: label}, nil
}
func (f *fakeViewer) UserSettings() session.Settings { return session.DefaultSettings() }

// fakeWatchlist is a WatchlistBackend that enrols every photo given.
type fakeWatchlist struct {
	mu       sync.Mutex
	subjects []casefile.Subject
}

func (f *fakeWatchlist) Subjects() ([]casefile.Subject, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]casefile.Subject(nil), f.subjects...), nil
}
func (f *fakeWatchlist) Enrolments(uint64) ([]casefile.Enrolment, error) { return nil, nil }
func (f *fakeWatchlist) EnrolmentImage(context.Context, casefile.Enrolment, int) (image.Image, error) {
	return nil, errors.New("no picture")
}
func (f *fakeWatchlist) EnrolFiles(ctx context.Context, subjectID uint64, label, notes string, paths []string, prov casefile.Provenance, rep progress.Reporter) (casefile.Subject, []session.EnrolOutcome, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := casefile.Subject{ID: uint64(len(f.subjects) + 1), Label: label}
	f.subjects = append(f.subjects, s)
	out := make([]session.EnrolOutcome, len(paths))
	for i, p := range paths {
		out[i] = session.EnrolOutcome{Path: p}
	}
	return s, out, nil
}
