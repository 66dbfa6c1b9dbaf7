package casefile

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Action names what an audit entry records.
type Action string

// Actions recorded in the audit log.
const (
	ActionCreate        Action = "create"
	ActionOpen          Action = "open"
	ActionMigrate       Action = "migrate"
	ActionAddEvidence   Action = "add_evidence"
	ActionAddDetections Action = "add_detections"
	// ActionRequestAnalysis marks an item taken in without analysis as
	// waiting for its faces; ActionFinishAnalysis records that all of
	// them are stored, ActionFailAnalysis that the analysis failed.
	ActionRequestAnalysis Action = "request_analysis"
	ActionFinishAnalysis  Action = "finish_analysis"
	ActionFailAnalysis    Action = "fail_analysis"
	ActionPutTrack        Action = "put_track"
	ActionPutPersonTrack  Action = "put_person_track"
	ActionAddSubject      Action = "add_subject"
	ActionEnrol           Action = "enrol"
	ActionSearch          Action = "search"
	ActionReview          Action = "review"
	ActionChangeSettings  Action = "change_settings"
	// ActionChangeSessionSettings records a reviewer's change of detector
	// or operating point (see RecordSessionSettings).
	ActionChangeSessionSettings Action = "change_session_settings"
	ActionExport                Action = "export"
	ActionExportFailed          Action = "export_failed"
	ActionImport                Action = "import"
)

// RecordRef ties an audit entry to the record it wrote: the record's bucket,
// key and the SHA-256 of its stored value. For a run of records written
// together (a batch of detections) Key and LastKey bound the run, Count is
// its length and SHA256 covers every key and value in order (see
// rangeHasher). Verify compares every record with the latest entry that
// wrote it, so a record edited outside facecase is found even when the
// audit chain itself is intact.
type RecordRef struct {
	Bucket  string `json:"bucket"`
	Key     string `json:"key"`
	LastKey string `json:"last_key,omitempty"`
	Count   int    `json:"count,omitempty"`
	SHA256  string `json:"sha256"`
}

// AuditEntry is one line of the append-only audit log. Entries are stored
// as the exact JSON bytes they were written as; Prev is the SHA-256 of the
// previous entry's stored bytes (64 zeros for the first), so changing,
// inserting or deleting any entry breaks the chain.
type AuditEntry struct {
	Seq     uint64          `json:"seq"`
	Time    time.Time       `json:"time"`
	Actor   string          `json:"actor"`
	Action  Action          `json:"action"`
	Details json.RawMessage `json:"details,omitempty"`
	Records []RecordRef     `json:"records,omitempty"`
	Prev    string          `json:"prev"`

	// Hash is the SHA-256 of the entry's stored bytes (not itself stored).
	Hash string `json:"-"`
	// Raw is the entry exactly as stored (the bytes Hash is taken over).
	Raw []byte `json:"-"`
}

// AuditHead is the newest entry of the chain: its sequence number and hash.
// Recording it outside the case (the export manifest prints it) lets a
// later check prove that nothing was rewritten since.
type AuditHead struct {
	Seq    uint64 `json:"seq"`
	SHA256 string `json:"sha256"`
}

var zeroHash = hex.EncodeToString(make([]byte, sha256.Size))

// readHead reads the chain head kept in the meta bucket.
func readHead(tx *bolt.Tx) (AuditHead, error) {
	v := tx.Bucket(bucketMeta).Get(metaAuditHead)
	if v == nil {
		return AuditHead{SHA256: zeroHash}, nil
	}
	if len(v) != 8+sha256.Size {
		return AuditHead{}, fmt.Errorf("%w: audit head record is %d bytes", ErrCorrupt, len(v))
	}
	return AuditHead{Seq: binary.BigEndian.Uint64(v), SHA256: hex.EncodeToString(v[8:])}, nil
}

// appendAudit adds an entry in tx, the same transaction as the change it
// records, so the change and its entry are committed together or not at
// all.
func appendAudit(tx *bolt.Tx, at time.Time, actor string, action Action, details any, records []RecordRef) (AuditEntry, error) {
	head, err := readHead(tx)
	if err != nil {
		return AuditEntry{}, err
	}
	e := AuditEntry{Seq: head.Seq + 1, Time: at.UTC(), Actor: actor, Action: action, Records: records, Prev: head.SHA256}
	if details != nil {
		if e.Details, err = json.Marshal(details); err != nil {
			return AuditEntry{}, fmt.Errorf("audit %s: %w", action, err)
		}
	}
	raw, err := json.Marshal(&e)
	if err != nil {
		return AuditEntry{}, fmt.Errorf("audit %s: %w", action, err)
	}
	sum := sha256.Sum256(raw)
	b := tx.Bucket(bucketAudit)
	b.FillPercent = 1 // keys only ever grow
	if err := b.Put(u64Key(e.Seq), raw); err != nil {
		return AuditEntry{}, fmt.Errorf("audit %s: %w", action, err)
	}
	hv := make([]byte, 8+sha256.Size)
	binary.BigEndian.PutUint64(hv, e.Seq)
	copy(hv[8:], sum[:])
	if err := tx.Bucket(bucketMeta).Put(metaAuditHead, hv); err != nil {
		return AuditEntry{}, fmt.Errorf("audit %s: %w", action, err)
	}
	e.Raw, e.Hash = raw, hex.EncodeToString(sum[:])
	return e, nil
}

// decodeAuditEntry parses a stored entry and fills in Hash and Raw.
func decodeAuditEntry(raw []byte) (AuditEntry, error) {
	var e AuditEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, err
	}
	sum := sha256.Sum256(raw)
	e.Raw = append([]byte(nil), raw...)
	e.Hash = hex.EncodeToString(sum[:])
	return e, nil
}

// recordRef is the reference to one stored record.
func recordRef(bucket, key, value []byte) RecordRef {
	sum := sha256.Sum256(value)
	return RecordRef{Bucket: string(bucket), Key: keyHex(key), SHA256: hex.EncodeToString(sum[:])}
}

// rangeHasher hashes a run of records: each key, the value's length as a
// big-endian uint32, and the value.
type rangeHasher struct {
	h     interface{ Write([]byte) (int, error) }
	sum   func() []byte
	first []byte
	last  []byte
	count int
}

func newRangeHasher() *rangeHasher {
	h := sha256.New()
	return &rangeHasher{h: h, sum: func() []byte { return h.Sum(nil) }}
}

func (r *rangeHasher) add(k, v []byte) {
	if r.first == nil {
		r.first = append([]byte(nil), k...)
	}
	r.last = append(r.last[:0], k...)
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(v)))
	r.h.Write(k)
	r.h.Write(n[:])
	r.h.Write(v)
	r.count++
}

func (r *rangeHasher) ref(bucket []byte) RecordRef {
	return RecordRef{Bucket: string(bucket), Key: keyHex(r.first), LastKey: keyHex(r.last), Count: r.count, SHA256: hex.EncodeToString(r.sum())}
}
