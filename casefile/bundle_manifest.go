package casefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BundleFormatVersion is the export bundle layout this package writes.
// Format 2 adds receipt.json, the signed receipt of the snapshot's audit
// chain, when the export was signed; format 1 bundles still verify.
const BundleFormatVersion = 2

// Notice is printed on every report and manifest: a candidate from a face
// search is a lead for investigators, not evidence of identity.
const Notice = "Investigative lead only, not a positive identification."

// Names of the members every bundle has.
const (
	MemberSnapshot   = "case.facecase"
	MemberAuditLog   = "audit.jsonl"
	MemberDetections = "detections.jsonl"
	MemberReport     = "report.html"
	MemberManifest   = "manifest.json"
	MemberReceipt    = "receipt.json"
	mediaMemberDir   = "media/"
)

// ExportDetails is recorded in the case's "export" audit entry before the
// snapshot is taken, so the snapshot itself says what the bundle holds.
type ExportDetails struct {
	Bundle       string        `json:"bundle"`
	BundleFormat int           `json:"bundle_format"`
	Media        bool          `json:"media"`
	MediaFiles   []MediaMember `json:"media_files,omitempty"`
	MediaSkipped []MediaSkip   `json:"media_skipped,omitempty"`
	// ReceiptKey is the id of the key that signed the bundle's receipt
	// (empty: the bundle has no receipt).
	ReceiptKey string `json:"receipt_key,omitempty"`
}

// MediaMember is a redacted copy of a photo in a bundle.
type MediaMember struct {
	EvidenceID uint64 `json:"evidence_id"`
	Member     string `json:"member"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	// Blurred counts the stored face boxes blurred; Kept the faces left
	// visible because they are confirmed matches.
	Blurred int `json:"blurred"`
	Kept    int `json:"kept"`
}

// MediaSkip is an evidence item whose media was not put in the bundle.
type MediaSkip struct {
	EvidenceID uint64 `json:"evidence_id"`
	Name       string `json:"name"`
	Reason     string `json:"reason"`
}

// Manifest is the bundle's table of contents, manifest.json. Everything in
// it is derived from the snapshot and the members, so verification
// rebuilds it and compares byte for byte.
type Manifest struct {
	Format        string              `json:"format"`
	FormatVersion int                 `json:"format_version"`
	Notice        string              `json:"notice"`
	Case          CaseInfo            `json:"case"`
	Settings      Settings            `json:"settings"`
	Export        ManifestExport      `json:"export"`
	AuditHead     AuditHead           `json:"audit_head"`
	Evidence      []ManifestEvidence  `json:"evidence"`
	Detections    ManifestDetections  `json:"detections"`
	Watchlist     ManifestWatchlist   `json:"watchlist"`
	Searches      []ManifestSearch    `json:"searches"`
	Reviews       []ReviewRecord      `json:"reviews"`
	Media         []MediaMember       `json:"media,omitempty"`
	MediaSkipped  []MediaSkip         `json:"media_skipped,omitempty"`
	Members       []BundleMember      `json:"members"`
	Confirmed     []ManifestConfirmed `json:"confirmed_matches"`
}

// ManifestExport says who exported the case and when (audit entry Seq).
type ManifestExport struct {
	Seq    uint64    `json:"audit_seq"`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Bundle string    `json:"bundle"`
}

// ManifestEvidence is an evidence item with its detection count.
type ManifestEvidence struct {
	Evidence
	Detections uint64 `json:"detections"`
}

// ManifestDetections summarises the detections (listed in detections.jsonl).
type ManifestDetections struct {
	Count  uint64 `json:"count"`
	Member string `json:"member"`
}

// ManifestWatchlist lists subjects and the provenance of their images.
type ManifestWatchlist struct {
	Version  uint64            `json:"version"`
	Subjects []ManifestSubject `json:"subjects"`
}

// ManifestSubject is a watchlist subject.
type ManifestSubject struct {
	Subject
	Enrolments []ManifestEnrolment `json:"enrolments"`
}

// ManifestEnrolment is an enrolment image without its descriptors.
type ManifestEnrolment struct {
	ID          uint64     `json:"id"`
	Provenance  Provenance `json:"provenance"`
	Descriptors int        `json:"descriptors"`
}

// ManifestSearch is a search with each candidate's review status.
type ManifestSearch struct {
	SearchRecord
	Statuses []CandidateReview `json:"statuses"`
}

// ManifestConfirmed is a confirmed match.
type ManifestConfirmed struct {
	SearchID  uint64  `json:"search_id"`
	SubjectID uint64  `json:"subject_id"`
	Label     string  `json:"label"`
	Distance  float64 `json:"distance"`
}

// lastExport finds the newest export entry of the snapshot.
func lastExport(tx *bolt.Tx) (AuditEntry, ExportDetails, error) {
	var d ExportDetails
	c := tx.Bucket(bucketAudit).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		e, err := decodeAuditEntry(v)
		if err != nil {
			return e, d, fmt.Errorf("%w: audit entry %d: %v", ErrCorrupt, keyU64(k), err)
		}
		if e.Action != ActionExport {
			continue
		}
		if err := json.Unmarshal(e.Details, &d); err != nil {
			return e, d, fmt.Errorf("%w: export entry %d: %v", ErrCorrupt, e.Seq, err)
		}
		return e, d, nil
	}
	return AuditEntry{}, d, fmt.Errorf("%w: the snapshot records no export", ErrCorrupt)
}

// caseView is everything the manifest and report show, read in one
// transaction.
type caseView struct {
	info       CaseInfo
	settings   Settings
	head       AuditHead
	export     AuditEntry
	details    ExportDetails
	evidence   []ManifestEvidence
	detections uint64
	watchlist  ManifestWatchlist
	searches   []ManifestSearch
	reviews    []ReviewRecord
	confirmed  []ManifestConfirmed
	people     []ReportPerson // for the report only
}

func readCaseView(tx *bolt.Tx) (*caseView, error) {
	v := &caseView{}
	var err error
	if v.info, err = readInfo(tx); err != nil {
		return nil, err
	}
	if v.settings, err = readSettings(tx); err != nil {
		return nil, err
	}
	if v.head, err = readHead(tx); err != nil {
		return nil, err
	}
	if v.export, v.details, err = lastExport(tx); err != nil {
		return nil, err
	}
	evidence, err := readAllEvidence(tx)
	if err != nil {
		return nil, err
	}
	counts := tx.Bucket(bucketDetCounts)
	v.evidence = make([]ManifestEvidence, 0, len(evidence))
	for _, ev := range evidence {
		v.evidence = append(v.evidence, ManifestEvidence{Evidence: ev, Detections: getU64(counts, u64Key(ev.ID))})
	}
	v.detections = getU64(tx.Bucket(bucketMeta), metaDetectionCount)
	subjects, err := readSubjects(tx)
	if err != nil {
		return nil, err
	}
	enrolments, err := readEnrolments(tx, 0)
	if err != nil {
		return nil, err
	}
	v.watchlist.Version = getU64(tx.Bucket(bucketMeta), metaWatchlistVersion)
	v.watchlist.Subjects = make([]ManifestSubject, 0, len(subjects))
	for _, s := range subjects {
		ms := ManifestSubject{Subject: s, Enrolments: []ManifestEnrolment{}}
		for _, e := range enrolments {
			if e.SubjectID == s.ID {
				ms.Enrolments = append(ms.Enrolments, ManifestEnrolment{ID: e.ID, Provenance: e.Provenance, Descriptors: len(e.Descriptors)})
			}
		}
		v.watchlist.Subjects = append(v.watchlist.Subjects, ms)
	}
	searches, err := readSearches(tx)
	if err != nil {
		return nil, err
	}
	if v.reviews, err = readReviews(tx, 0); err != nil {
		return nil, err
	}
	if v.reviews == nil {
		v.reviews = []ReviewRecord{}
	}
	v.searches = make([]ManifestSearch, 0, len(searches))
	v.confirmed = []ManifestConfirmed{}
	for _, s := range searches {
		ms := ManifestSearch{SearchRecord: s, Statuses: []CandidateReview{}}
		for _, cand := range s.Candidates {
			cr := judge(s.ID, cand.SubjectID, v.reviews, v.settings.RequiredConfirmations())
			cr.Reviews = nil
			ms.Statuses = append(ms.Statuses, cr)
			if cr.Status == StatusConfirmed {
				v.confirmed = append(v.confirmed, ManifestConfirmed{SearchID: s.ID, SubjectID: cand.SubjectID, Label: cand.Label, Distance: cand.Distance})
			}
		}
		v.searches = append(v.searches, ms)
	}
	if v.people, err = readReportPeople(tx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// manifestBytes renders the manifest for a view and the bundle's other
// members, in bundle order.
func manifestBytes(v *caseView, members []BundleMember) ([]byte, error) {
	m := Manifest{
		Format: "facecase-bundle", FormatVersion: v.details.BundleFormat, Notice: Notice,
		Case: v.info, Settings: v.settings,
		Export:     ManifestExport{Seq: v.export.Seq, Time: v.export.Time, Actor: v.export.Actor, Bundle: v.details.Bundle},
		AuditHead:  v.head,
		Evidence:   v.evidence,
		Detections: ManifestDetections{Count: v.detections, Member: MemberDetections},
		Watchlist:  v.watchlist, Searches: v.searches, Reviews: v.reviews,
		Media: v.details.MediaFiles, MediaSkipped: v.details.MediaSkipped,
		Members: members, Confirmed: v.confirmed,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
