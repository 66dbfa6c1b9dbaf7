package casefile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/progress"
)

// CaseReport is the result of verifying a case file.
type CaseReport struct {
	Path string `json:"path"`
	// AuditEntries and AuditHead describe the audit chain as found.
	AuditEntries uint64    `json:"audit_entries"`
	AuditHead    AuditHead `json:"audit_head"`
	// Records counts records compared with their audit entries;
	// Detections the detections among them.
	Records    int    `json:"records"`
	Detections uint64 `json:"detections"`
	// Evidence is the re-hash of every evidence file (empty when skipped).
	Evidence []EvidenceCheck `json:"evidence,omitempty"`
	// Findings lists what is damaged or changed, and the evidence whose
	// analysis never finished.
	Findings

	chain chainFacts // every entry's hash, when the chain is intact
}

// Err is nil when the case verified, else an error matching ErrTampered
// that names the first problem, or ErrIncomplete naming the first item
// whose analysis never finished.
func (r *CaseReport) Err() error { return r.err(r.Path, ErrTampered) }

// VerifyOptions control Verify.
type VerifyOptions struct {
	// SkipMedia skips re-hashing the evidence files.
	SkipMedia bool
	// Progress receives "verify" updates; nil discards them.
	Progress progress.Reporter
}

// maxProblems bounds the report of a badly damaged file.
const maxProblems = 100

// Verify checks a case file completely, without changing it: bbolt's page
// structure, the audit hash chain, every record against the audit entry
// that wrote it (so an edited or deleted record is named even when the
// chain is intact), the detection index and counters, and (unless
// skipped) every evidence file's SHA-256. Problems are listed in the
// report; the error is for a file that cannot be checked at all (not a
// case, open for writing elsewhere). Unlike Open, Verify reports on a case
// whose audit chain is broken.
func Verify(ctx context.Context, path string, opts VerifyOptions) (*CaseReport, error) {
	p, err := absPath(path)
	if err != nil {
		return nil, err
	}
	if err := checkFile(p); err != nil {
		return nil, fmt.Errorf("verify case %s: %w", p, err)
	}
	db, err := openBolt(p, true, DefaultLockTimeout)
	if err != nil {
		return nil, fmt.Errorf("verify case %s: %w", p, err)
	}
	defer db.Close()
	c := &Case{path: p, db: db, readOnly: true}
	return c.verify(ctx, opts)
}

// Verify checks this open case like the package-level Verify.
func (c *Case) Verify(ctx context.Context, opts VerifyOptions) (*CaseReport, error) {
	return c.verify(ctx, opts)
}

func (c *Case) verify(ctx context.Context, opts VerifyOptions) (*CaseReport, error) {
	if opts.Progress == nil {
		opts.Progress = progress.Discard
	}
	r := &CaseReport{Path: c.path}
	var evidence []Evidence
	var imported *ImportInfo
	err := c.view(func(tx *bolt.Tx) error {
		if _, err := checkFormat(tx); err != nil {
			return err
		}
		var err error
		if imported, err = readImportInfo(tx); err != nil {
			return err
		}
		refs, ok := verifyChain(tx, r)
		if !ok {
			r.add("records", "not compared with the audit log, because the audit chain is broken")
			return nil
		}
		verifyRecords(tx, refs, r)
		if err := verifyDetections(ctx, tx, refs, r, opts.Progress); err != nil {
			return err
		}
		// bbolt's own page check runs in a goroutine of its own, where a
		// page too damaged to read would crash the process; it runs only
		// once every page has been read here (where damage is recovered)
		// and the file's page tree was checked without the memory map.
		verifyStructure(tx, r, r.Intact())
		if evidence, err = readAllEvidence(tx); err != nil {
			return err
		}
		return listUnfinished(tx, evidence, r)
	})
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			r.add("database structure", "%v", err)
			return r, nil
		}
		return nil, fmt.Errorf("verify case %s: %w", c.path, err)
	}
	if !opts.SkipMedia {
		r.Evidence = checkEvidenceFiles(ctx, evidence, c.path, imported, MediaCheckHash, opts.Progress)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, ch := range r.Evidence {
			if !ch.Usable() && ch.State != EvidenceNotIncluded {
				r.add(fmt.Sprintf("evidence %d (%s)", ch.EvidenceID, ch.Name), "file %s: %s", ch.State, ch.Detail)
			}
		}
	}
	return r, nil
}

// listUnfinished names the evidence whose analysis never finished.
func listUnfinished(tx *bolt.Tx, evidence []Evidence, r *CaseReport) error {
	pending, err := readPending(tx)
	if err != nil {
		return err
	}
	names := map[uint64]string{}
	for _, ev := range evidence {
		names[ev.ID] = ev.Name
	}
	for _, p := range pending {
		r.Unfinished = append(r.Unfinished, Problem{Where: fmt.Sprintf("evidence %d (%s)", p.EvidenceID, names[p.EvidenceID]),
			What: fmt.Sprintf("analysis never finished (%d faces stored so far): open the case in facecase, or add the file again with 'facecase-cli case add', to resume it", p.Stored)})
	}
	return nil
}

// verifyStructure checks the page tree from the file (rawTree) and, when
// that found nothing and withBolt is set, runs bbolt's own consistency
// check as well.
func verifyStructure(tx *bolt.Tx, r *CaseReport, withBolt bool) {
	pages, err := checkRawTree(tx.DB().Path())
	if err != nil {
		r.add("database structure", "%v", err)
		return
	}
	for _, p := range pages {
		r.add("database structure", "%s", p)
	}
	if len(pages) > 0 || !withBolt {
		return
	}
	n := 0
	for err := range tx.Check() {
		if n++; n <= 10 {
			r.add("database structure", "%v", err)
		}
	}
	if n > 10 {
		r.add("database structure", "%d more structure errors", n-10)
	}
}

// auditRefs is what the audit log says was written: the latest entry for
// each single record, and every run of detections.
type auditRefs struct {
	single map[string]refAt // bucket + "/" + hex key
	ranges []refAt          // detection runs, in audit order
}

type refAt struct {
	RecordRef
	seq uint64
}

func verifyChain(tx *bolt.Tx, r *CaseReport) (auditRefs, bool) {
	refs := auditRefs{single: map[string]refAt{}}
	head, err := walkAudit(tx, func(e AuditEntry) error {
		r.AuditEntries = e.Seq
		r.chain = append(r.chain, e.Hash)
		for _, ref := range e.Records {
			if ref.LastKey != "" || ref.Count > 0 {
				refs.ranges = append(refs.ranges, refAt{ref, e.Seq})
			} else {
				refs.single[ref.Bucket+"/"+ref.Key] = refAt{ref, e.Seq}
			}
		}
		return nil
	})
	if err != nil {
		r.chain = nil
	}
	var ce *ChainError
	switch {
	case errors.As(err, &ce):
		r.add(fmt.Sprintf("audit entry %d", ce.Seq), "%s", ce.Reason)
		return refs, false
	case err != nil:
		r.add("audit log", "%v", err)
		return refs, false
	}
	r.AuditHead = head
	return refs, true
}

// auditedBuckets hold records written once (or replaced whole) by an
// audited call; each must match the latest audit entry that wrote it.
// The analysis bucket is absent from cases made before it existed, the
// person tracks bucket from cases of format 1 not migrated yet.
var auditedBuckets = [][]byte{bucketEvidence, bucketTracks, bucketSubjects, bucketEnrolments, bucketSearches, bucketReviews, bucketAnalysis, bucketPersons}

func verifyRecords(tx *bolt.Tx, refs auditRefs, r *CaseReport) {
	seen := map[string]bool{}
	check := func(bucket, k, v []byte) {
		key := string(bucket) + "/" + keyHex(k)
		seen[key] = true
		r.Records++
		where := recordName(bucket, k)
		ref, ok := refs.single[key]
		sum := sha256.Sum256(v)
		switch {
		case !ok:
			r.add(where, "was not written by facecase: no audit entry records it")
		case hex.EncodeToString(sum[:]) != ref.SHA256:
			r.add(where, "was changed after audit entry %d wrote it", ref.seq)
		}
	}
	meta := tx.Bucket(bucketMeta)
	for _, k := range [][]byte{metaCase, metaSettings} {
		check(bucketMeta, k, meta.Get(k))
	}
	if v := meta.Get(metaImported); v != nil {
		check(bucketMeta, metaImported, v)
	}
	for _, name := range auditedBuckets {
		b := tx.Bucket(name)
		if b == nil {
			continue // a bucket made lazily or by a later format
		}
		b.ForEach(func(k, v []byte) error {
			if len(r.Problems) < maxProblems {
				check(name, k, v)
			}
			return nil
		})
	}
	var missing []string
	for key := range refs.single {
		if !seen[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	for _, key := range missing {
		ref := refs.single[key]
		k, _ := hex.DecodeString(ref.Key)
		r.add(recordName([]byte(ref.Bucket), k), "was deleted: audit entry %d wrote it", ref.seq)
	}
	// The hash index must point at the evidence it names.
	tx.Bucket(bucketEvidenceHash).ForEach(func(k, v []byte) error {
		ev, err := readEvidence(tx, keyU64(v))
		if err != nil || ev.SHA256 != hex.EncodeToString(k) {
			r.add("evidence index", "SHA-256 %x points at evidence %d, which does not have it", k, keyU64(v))
		}
		return nil
	})
}

// verifyDetections re-hashes every run of detections against the audit
// entry that wrote it and checks every detection's index entry and the
// counters.
func verifyDetections(ctx context.Context, tx *bolt.Tx, refs auditRefs, r *CaseReport, rep progress.Reporter) error {
	start := time.Now()
	total := getU64(tx.Bucket(bucketMeta), metaDetectionCount)
	idx := tx.Bucket(bucketDetIndex)
	counts := map[uint64]uint64{}
	var n uint64
	visit := func(k, v []byte) {
		n++
		d, err := decodeDetection(keyU64(k), v)
		if err != nil {
			r.add(fmt.Sprintf("detection %d", keyU64(k)), "is unreadable: %v", err)
			return
		}
		counts[d.EvidenceID]++
		if idx.Get(detIndexKey(d.EvidenceID, d.Frame, d.ID)) == nil {
			r.add(fmt.Sprintf("detection %d", d.ID), "is missing from the evidence index")
		}
		if n%DetectionBatchSize == 0 {
			rep.Report(progress.Update{Stage: "verify", Done: int64(n), Total: int64(total), Unit: "detections", Elapsed: time.Since(start)})
		}
	}
	if err := walkDetectionRuns(ctx, tx, refs, r, visit); err != nil || len(r.Problems) >= maxProblems {
		return err
	}
	cb := tx.Bucket(bucketDetCounts)
	cb.ForEach(func(k, v []byte) error {
		if keyU64(v) != counts[keyU64(k)] {
			r.add(fmt.Sprintf("evidence %d", keyU64(k)), "detection counter says %d, the case holds %d", keyU64(v), counts[keyU64(k)])
		}
		delete(counts, keyU64(k))
		return nil
	})
	for ev, m := range counts {
		r.add(fmt.Sprintf("evidence %d", ev), "has %d detections but no counter", m)
	}
	return nil
}

// walkDetectionRuns reads every detection once, in key order, re-hashing
// each run against the audit entry that wrote it and naming detections no
// entry wrote; it calls visit (when not nil) for each, sets r.Detections
// and checks the total counter and the size of the index.
func walkDetectionRuns(ctx context.Context, tx *bolt.Tx, refs auditRefs, r *CaseReport, visit func(k, v []byte)) error {
	cur := tx.Bucket(bucketDetections).Cursor()
	k, v := cur.First()
	var n uint64
	step := func() {
		n++
		if visit != nil {
			visit(k, v)
		}
		k, v = cur.Next()
	}
	for _, ref := range refs.ranges {
		if ref.Bucket != string(bucketDetections) {
			r.add(fmt.Sprintf("audit entry %d", ref.seq), "refers to a run of records in bucket %q", ref.Bucket)
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		first, _ := hex.DecodeString(ref.Key)
		last, _ := hex.DecodeString(ref.LastKey)
		for k != nil && bytes.Compare(k, first) < 0 {
			r.add(fmt.Sprintf("detection %d", keyU64(k)), "was not written by facecase: no audit entry records it")
			step()
		}
		h := newRangeHasher()
		for k != nil && bytes.Compare(k, last) <= 0 {
			h.add(k, v)
			step()
		}
		got := h.ref(bucketDetections)
		if got.Count != ref.Count || got.SHA256 != ref.SHA256 {
			r.add(fmt.Sprintf("detections %d to %d", keyU64(first), keyU64(last)),
				"were changed or deleted after audit entry %d wrote them (%d of %d records found)", ref.seq, got.Count, ref.Count)
		}
		if len(r.Problems) >= maxProblems {
			return nil
		}
	}
	for k != nil {
		r.add(fmt.Sprintf("detection %d", keyU64(k)), "was not written by facecase: no audit entry records it")
		step()
		if len(r.Problems) >= maxProblems {
			return nil
		}
	}
	r.Detections = n
	if total := getU64(tx.Bucket(bucketMeta), metaDetectionCount); n != total {
		r.add("detection counter", "says %d detections, the case holds %d", total, n)
	}
	if m := uint64(tx.Bucket(bucketDetIndex).Stats().KeyN); m != n {
		r.add("evidence index", "holds %d entries for %d detections", m, n)
	}
	return nil
}

// recordName names a record for a report.
func recordName(bucket, k []byte) string {
	switch string(bucket) {
	case string(bucketMeta):
		return "case record " + string(k)
	case string(bucketEvidence):
		return fmt.Sprintf("evidence %d", keyU64(k))
	case string(bucketAnalysis):
		return fmt.Sprintf("analysis record of evidence %d", keyU64(k))
	case string(bucketSubjects):
		return fmt.Sprintf("subject %d", keyU64(k))
	case string(bucketSearches):
		return fmt.Sprintf("search %d", keyU64(k))
	case string(bucketEnrolments):
		if len(k) == 16 {
			return fmt.Sprintf("enrolment %d of subject %d", keyU64(k[8:]), keyU64(k))
		}
	case string(bucketReviews):
		if len(k) == 16 {
			return fmt.Sprintf("review %d of search %d", keyU64(k[8:]), keyU64(k))
		}
	case string(bucketTracks):
		if len(k) == 16 {
			return fmt.Sprintf("track %d of evidence %d", keyU64(k[8:]), keyU64(k))
		}
	case string(bucketPersons):
		if len(k) == 16 {
			return fmt.Sprintf("person track %d of evidence %d", keyU64(k[8:]), keyU64(k))
		}
	}
	return fmt.Sprintf("record %s/%x", bucket, k)
}
