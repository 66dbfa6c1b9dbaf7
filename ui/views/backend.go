package views

import (
	"context"
	"errors"
	"image"
	"time"

	"facecase/casefile"
	"facecase/facedata"
	"facecase/progress"
	"facecase/recognition/scorenorm"
	"facecase/ui/session"
)

// RecentCase is a case opened before, for the start window's list.
type RecentCase struct {
	Path   string
	Number string
	Title  string
	Opened time.Time
}

// StartBackend is what the start window needs. CreateCase, OpenCase and
// OpenDemoCase run off the UI goroutine (opening waits for the case's
// lock); ShowCase runs on it and opens the case's window. DemoHasStreetVideo
// says whether the demo case holds real street footage of people walking
// (installed with the models) besides its sample photos and the video made
// from them.
type StartBackend interface {
	RecentCases() []RecentCase
	DemoHasStreetVideo() bool
	Reviewer() string
	CaseFolder() string
	CreateCase(ctx context.Context, info casefile.CaseInfo, path string) (*session.Session, error)
	OpenCase(ctx context.Context, path string) (*session.Session, error)
	OpenDemoCase(ctx context.Context, rep progress.Reporter) (*session.Session, error)
	ShowCase(s *session.Session)
}

// EvidenceBackend is what the evidence list needs.
type EvidenceBackend interface {
	EvidenceList() ([]casefile.Evidence, error)
	EvidenceCheckFor(id uint64) casefile.EvidenceCheck
	DetectionCount(evidenceID uint64) (uint64, error)
	PersonTrackCount(evidenceID uint64) (int, error)
	ItemStatus(evidenceID uint64) session.ItemStatus
	Intake(ctx context.Context, paths []string, rep progress.Reporter, onItem func(session.ItemStatus)) error
	PendingAnalyses() ([]casefile.AnalysisStatus, error)
	Thumbnail(ctx context.Context, evidenceID uint64) (image.Image, error)
	CandidateCounts() (map[uint64]int, error)
	SearchAll(ctx context.Context, ids []uint64, rep progress.Reporter) (session.SearchAllOutcome, error)
}

// ViewerBackend is what the viewer and its face panel need.
type ViewerBackend interface {
	Evidence(id uint64) (casefile.Evidence, error)
	EvidencePath(ev casefile.Evidence) string
	FrameDetections(evidenceID uint64, frame uint32) ([]casefile.Detection, error)
	Detection(id uint64) (casefile.Detection, error)
	Tracks(evidenceID uint64) ([]casefile.Track, error)
	FaceStates(evidenceID uint64) (map[uint64]session.FaceMatch, error)
	TrackBestFaces(evidenceID uint64) (map[uint64]casefile.Detection, error)
	PersonTracks(evidenceID uint64) ([]casefile.PersonTrack, error)
	PersonCrop(ctx context.Context, evidenceID uint64, view casefile.PersonView, side int) (image.Image, error)
	SearchesFor(detectionID uint64) ([]casefile.SearchRecord, error)
	SearchFace(ctx context.Context, detectionID uint64, purpose string) (casefile.SearchRecord, error)
	EnrolmentEchoes(rec casefile.SearchRecord) ([]session.EnrolmentEcho, error)
	CandidateStatus(searchID, subjectID uint64) (casefile.CandidateReview, error)
	Subjects() ([]casefile.Subject, error)
	EnrolFace(detectionID, subjectID uint64, label, notes string, prov casefile.Provenance) (casefile.Subject, error)
	UserSettings() session.Settings
}

// LiveBackend is what the live camera view needs: the watchlist to compare
// faces with and the settings.
type LiveBackend interface {
	// Candidates scores a face against the watchlist as a search does,
	// without storing a search.
	Candidates(ctx context.Context, t facedata.Template, targetFMR float64, cohort *scorenorm.Cohort, max int) ([]casefile.Candidate, scorenorm.OperatingPoint, error)
	UserSettings() session.Settings
	// Path is the case file's path; recordings are written beside it.
	Path() string
}

// WatchlistBackend is what the watchlist view needs.
type WatchlistBackend interface {
	Subjects() ([]casefile.Subject, error)
	Enrolments(subjectID uint64) ([]casefile.Enrolment, error)
	EnrolFiles(ctx context.Context, subjectID uint64, label, notes string, paths []string, prov casefile.Provenance, rep progress.Reporter) (casefile.Subject, []session.EnrolOutcome, error)
	EnrolmentImage(ctx context.Context, e casefile.Enrolment, side int) (image.Image, error)
}

// ReviewBackend is what candidate review needs.
type ReviewBackend interface {
	Searches() ([]casefile.SearchRecord, error)
	CandidateStatus(searchID, subjectID uint64) (casefile.CandidateReview, error)
	Review(req casefile.ReviewRequest) (casefile.ReviewRecord, error)
	FaceCrop(ctx context.Context, detectionID uint64, side int) (image.Image, error)
	Enrolments(subjectID uint64) ([]casefile.Enrolment, error)
	EnrolmentImage(ctx context.Context, e casefile.Enrolment, side int) (image.Image, error)
	EnrolmentEchoes(rec casefile.SearchRecord) ([]session.EnrolmentEcho, error)
	Actor() string
}

// AuditBackend is what the audit log view needs.
type AuditBackend interface {
	AuditRows() ([]session.AuditRow, error)
	VerifyAudit() (casefile.AuditHead, error)
}

// ExportBackend writes and verifies export bundles.
type ExportBackend interface {
	ExportAndVerify(ctx context.Context, out string, media bool, rep progress.Reporter) (session.ExportOutcome, error)
	Path() string
}

// LabBackend is what the accuracy lab needs: it runs an evaluation
// (recognition/eval through the session) and makes a measured threshold
// the case's default.
type LabBackend interface {
	RunLab(ctx context.Context, req session.LabRequest, rep progress.Reporter) (*session.LabOutcome, error)
	SetCaseThreshold(cal casefile.ThresholdCalibration) error
	// Settings are the case's settings: its default threshold and how it
	// was measured.
	Settings() (casefile.Settings, error)
	UserSettings() session.Settings
	// Path is the case file's path; Lab reports go beside it by default.
	Path() string
}

// ErrAlreadyShown is returned by StartBackend.OpenCase for a case already
// open in a window of this app: that window comes forward and nothing is
// reported.
var ErrAlreadyShown = errors.New("the case is already open in a window of this app")
