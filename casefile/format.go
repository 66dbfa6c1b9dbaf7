package casefile

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// FormatVersion is the case file format this package writes. Opening an
// older file for writing migrates it (see migrations); a newer one is
// refused with ErrNewerFormat.
const FormatVersion = 2

// caseMagic marks a bbolt file as a case file.
const caseMagic = "facecase-case"

// Bucket names. Every bucket is created with the case, so code can rely on
// tx.Bucket returning non-nil in a case that passed checkFormat.
var (
	bucketMeta         = []byte("meta")
	bucketAudit        = []byte("audit")
	bucketEvidence     = []byte("evidence")
	bucketEvidenceHash = []byte("evidence_by_sha256")
	bucketDetections   = []byte("detections")
	bucketDetIndex     = []byte("detections_by_evidence")
	bucketDetCounts    = []byte("detection_counts")
	bucketTracks       = []byte("tracks")
	bucketSubjects     = []byte("subjects")
	bucketEnrolments   = []byte("enrolments")
	bucketSearches     = []byte("searches")
	bucketReviews      = []byte("reviews")
	bucketPersons      = []byte("person_tracks")
	// bucketAnalysis holds each evidence item's analysis state. It is not
	// in allBuckets: cases made before it existed lack it, and it is
	// created by the first write that needs it.
	bucketAnalysis = []byte("analysis")
)

var allBuckets = [][]byte{
	bucketMeta, bucketAudit, bucketEvidence, bucketEvidenceHash,
	bucketDetections, bucketDetIndex, bucketDetCounts, bucketTracks,
	bucketSubjects, bucketEnrolments, bucketSearches, bucketReviews,
	bucketPersons,
}

// Keys in the meta bucket.
var (
	metaMagic            = []byte("magic")
	metaFormat           = []byte("format_version")
	metaCase             = []byte("case")
	metaSettings         = []byte("settings")
	metaAuditHead        = []byte("audit_head")
	metaDetectionCount   = []byte("detection_count")
	metaWatchlistVersion = []byte("watchlist_version")
	metaImported         = []byte("imported")
)

// migration upgrades a case file from format version from to from+1 inside
// one write transaction.
type migration struct {
	from  int
	apply func(tx *bolt.Tx) error
}

// migrations holds one step per older format version, in order.
var migrations = []migration{
	// Format 2 adds person tracks (people followed whole, not only their
	// faces).
	{from: 1, apply: func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketPersons)
		return err
	}},
}

// readFormat returns the case file's format version, or ErrNotACase.
func readFormat(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil || string(meta.Get(metaMagic)) != caseMagic {
		return 0, ErrNotACase
	}
	v := meta.Get(metaFormat)
	if len(v) != 4 {
		return 0, fmt.Errorf("%w: format version record is %d bytes", ErrCorrupt, len(v))
	}
	return int(binary.BigEndian.Uint32(v)), nil
}

// checkFormat accepts a case this version can read: a case file whose
// format is not newer than FormatVersion and whose buckets are all there.
func checkFormat(tx *bolt.Tx) (int, error) {
	v, err := readFormat(tx)
	if err != nil {
		return 0, err
	}
	if v > FormatVersion {
		return v, fmt.Errorf("%w (format %d; this version reads up to %d)", ErrNewerFormat, v, FormatVersion)
	}
	if v < 1 {
		return v, fmt.Errorf("%w: format version %d", ErrCorrupt, v)
	}
	if v == FormatVersion {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				return v, fmt.Errorf("%w: bucket %q is missing", ErrCorrupt, b)
			}
		}
	}
	return v, nil
}

// migrate brings a case of format v up to FormatVersion in tx.
func migrate(tx *bolt.Tx, v int) error {
	for _, m := range migrations {
		if m.from < v {
			continue
		}
		if m.from != v {
			return fmt.Errorf("no migration from case format %d", v)
		}
		if err := m.apply(tx); err != nil {
			return fmt.Errorf("migrate case format %d to %d: %w", v, v+1, err)
		}
		v++
	}
	if v != FormatVersion {
		return fmt.Errorf("no migration from case format %d to %d", v, FormatVersion)
	}
	return putU32(tx.Bucket(bucketMeta), metaFormat, uint32(v))
}

func putU32(b *bolt.Bucket, k []byte, v uint32) error {
	buf := make([]byte, 4)
	binary.BigEndian.PutUint32(buf, v)
	return b.Put(k, buf)
}

func putU64(b *bolt.Bucket, k []byte, v uint64) error {
	return b.Put(k, u64Key(v))
}

func getU64(b *bolt.Bucket, k []byte) uint64 { return keyU64(b.Get(k)) }
