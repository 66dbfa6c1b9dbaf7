package casefile

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// DamageError is the error of opening a damaged case for writing: it
// names what the check made on every open found. It matches ErrDamaged.
type DamageError struct {
	Problems []Problem
}

// Error names the first problem.
func (e *DamageError) Error() string {
	more := ""
	if len(e.Problems) > 1 {
		more = fmt.Sprintf(" (and %d more problems)", len(e.Problems)-1)
	}
	return fmt.Sprintf("%v: %s%s", ErrDamaged, e.Problems[0], more)
}

// Unwrap makes errors.Is(err, ErrDamaged) true.
func (e *DamageError) Unwrap() error { return ErrDamaged }

// Damage lists what the check made when the case was opened found wrong
// (empty for a sound case). A damaged case is open read-only.
func (c *Case) Damage() []Problem { return append([]Problem(nil), c.damage...) }

// checkOnOpen is the check every Open makes before anything is written:
// the page tree (read from the file, see rawTree), the audit chain, every
// record other than detections against the audit entry that wrote it,
// every run of detections re-hashed against its audit entry, the index
// size and the counters: all that Verify checks but the evidence files
// and each detection's decoding and index entry. It reads the whole file,
// so Open skips it for a file unchanged since it was last found sound
// (see verifiedCache).
func (c *Case) checkOnOpen() []Problem {
	r := &CaseReport{Path: c.path}
	pages, err := checkRawTree(c.path)
	if err != nil {
		r.add("database structure", "%v", err)
	}
	for _, p := range pages {
		r.add("database structure", "%s", p)
	}
	err = c.view(func(tx *bolt.Tx) error {
		refs, ok := verifyChain(tx, r)
		if !ok {
			return nil
		}
		verifyRecords(tx, refs, r)
		if err := walkDetectionRuns(context.Background(), tx, refs, r, nil); err != nil {
			return err
		}
		checkDetectionCounters(tx, r)
		return nil
	})
	if err != nil {
		r.add("database structure", "%v", err)
	}
	return r.Problems
}

// checkDetectionCounters checks that the evidence items' detection
// counters add up to the detections the case holds (Verify checks each
// one against the records).
func checkDetectionCounters(tx *bolt.Tx, r *CaseReport) {
	var perEvidence uint64
	tx.Bucket(bucketDetCounts).ForEach(func(_, v []byte) error {
		perEvidence += keyU64(v)
		return nil
	})
	if perEvidence != r.Detections {
		r.add("detection counters", "of the evidence items add up to %d, the case holds %d detections", perEvidence, r.Detections)
	}
}
