package casefile

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// AnalysisState says whether the faces of an evidence item are stored.
type AnalysisState string

// States of an evidence item's analysis.
const (
	// AnalysisNotRequested: the item was taken in without analysis (for
	// example with --no-detect), or by a version of facecase that did not
	// record the analysis state.
	AnalysisNotRequested AnalysisState = ""
	// AnalysisPending: the item is waiting for its faces, or the run that
	// was finding them was interrupted. The caller that has the engine
	// resumes it (see PendingAnalyses).
	AnalysisPending AnalysisState = "pending"
	// AnalysisDone: every face the analysis found is stored.
	AnalysisDone AnalysisState = "done"
	// AnalysisFailed: the analysis ran and could not be made (the file
	// does not decode, for example); Error says why. It is not resumed
	// when the case opens, only when asked again (RequestAnalysis: the
	// file added again).
	AnalysisFailed AnalysisState = "failed"
)

// AnalysisRecord is the stored analysis state of one evidence item. It is
// written pending in the same transaction as the evidence record (or by
// RequestAnalysis) and replaced by the done record in the same
// transaction as the last of the item's detections, so a crash can never
// leave an item that looks analysed but lacks faces.
type AnalysisRecord struct {
	EvidenceID  uint64        `json:"evidence_id"`
	State       AnalysisState `json:"state"`
	Requested   time.Time     `json:"requested"`
	RequestedBy string        `json:"requested_by"`
	// Finished and Detections (the item's detections when it finished)
	// are set when State is AnalysisDone or AnalysisFailed.
	Finished   time.Time `json:"finished,omitzero"`
	Detections uint64    `json:"detections"`
	// Error is why a failed analysis failed.
	Error string `json:"error,omitempty"`
}

// AnalysisStatus is an item's analysis state with what is stored of it.
type AnalysisStatus struct {
	AnalysisRecord
	// Stored is how many detections of the item the case holds now.
	Stored uint64 `json:"stored"`
	// LastFrame is the highest frame with stored detections (valid when
	// Stored > 0). AddDetections commits whole frames, so a resumed
	// analysis of a video stores only the frames after it.
	LastFrame uint32 `json:"last_frame"`
}

// StillToStore is what of a resumed analysis's detections is not stored
// yet: when an interrupted run stored some frames (always whole frames),
// only the frames after LastFrame.
func (s AnalysisStatus) StillToStore(dets []Detection) []Detection {
	if s.State != AnalysisPending || s.Stored == 0 {
		return dets
	}
	out := dets[:0:0]
	for _, d := range dets {
		if d.Frame > s.LastFrame {
			out = append(out, d)
		}
	}
	return out
}

// Analysis returns the analysis state of an evidence item.
func (c *Case) Analysis(evidenceID uint64) (AnalysisStatus, error) {
	var st AnalysisStatus
	err := c.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketEvidence).Get(u64Key(evidenceID)) == nil {
			return fmt.Errorf("evidence %d: %w", evidenceID, ErrNotFound)
		}
		var err error
		st, err = readAnalysisStatus(tx, evidenceID)
		return err
	})
	return st, err
}

// PendingAnalyses lists the evidence items whose analysis was asked for
// and never finished, in intake order. casefile has no engine: the app
// and the CLI resume them when they open the case or when the file is
// added again, with StoreAnalysis or FinishAnalysis.
func (c *Case) PendingAnalyses() ([]AnalysisStatus, error) {
	var out []AnalysisStatus
	err := c.view(func(tx *bolt.Tx) (err error) {
		out, err = readPending(tx)
		return err
	})
	return out, err
}

func readPending(tx *bolt.Tx) ([]AnalysisStatus, error) {
	b := tx.Bucket(bucketAnalysis)
	if b == nil {
		return nil, nil
	}
	var out []AnalysisStatus
	err := b.ForEach(func(k, v []byte) error {
		rec, err := decodeAnalysis(k, v)
		if err != nil || rec.State != AnalysisPending {
			return err
		}
		st, err := statusOf(tx, rec)
		out = append(out, st)
		return err
	})
	return out, err
}

// RequestAnalysis marks an item taken in without analysis, or whose
// analysis failed, as pending (an item already pending is left as it is).
// An item whose analysis is done is not analysed again: that is an
// ErrInvalid error.
func (c *Case) RequestAnalysis(evidenceID uint64) error {
	err := c.update(func(tx *bolt.Tx) error {
		if _, err := readEvidence(tx, evidenceID); err != nil {
			return err
		}
		st, err := readAnalysisStatus(tx, evidenceID)
		switch {
		case err != nil:
			return err
		case st.State == AnalysisPending:
			return nil
		case st.State == AnalysisDone:
			return fmt.Errorf("%w: evidence %d is already analysed", ErrInvalid, evidenceID)
		}
		return putAnalysis(tx, c, AnalysisRecord{EvidenceID: evidenceID, State: AnalysisPending, Requested: c.now(), RequestedBy: c.actor}, ActionRequestAnalysis)
	})
	if err != nil {
		return fmt.Errorf("request analysis of evidence %d in %s: %w", evidenceID, c.path, err)
	}
	return nil
}

// FinishAnalysis records that every face of a pending item is stored (for
// callers that stored them with AddDetections, as a video scan does).
func (c *Case) FinishAnalysis(evidenceID uint64) error {
	err := c.update(func(tx *bolt.Tx) error { return finishAnalysis(tx, c, evidenceID) })
	if err != nil {
		return fmt.Errorf("finish analysis of evidence %d in %s: %w", evidenceID, c.path, err)
	}
	return nil
}

// FailAnalysis records that the analysis of a pending item could not be
// made, and why (not for an interruption: a cancelled analysis stays
// pending, to be resumed). The faces it stored before failing stay.
func (c *Case) FailAnalysis(evidenceID uint64, reason string) error {
	err := c.update(func(tx *bolt.Tx) error { return endAnalysis(tx, c, evidenceID, AnalysisFailed, reason) })
	if err != nil {
		return fmt.Errorf("record failed analysis of evidence %d in %s: %w", evidenceID, c.path, err)
	}
	return nil
}

// finishAnalysis replaces a pending record by the done record in tx.
func finishAnalysis(tx *bolt.Tx, c *Case, evidenceID uint64) error {
	return endAnalysis(tx, c, evidenceID, AnalysisDone, "")
}

// endAnalysis replaces a pending record by a done or failed one in tx.
func endAnalysis(tx *bolt.Tx, c *Case, evidenceID uint64, state AnalysisState, reason string) error {
	st, err := readAnalysisStatus(tx, evidenceID)
	if err != nil {
		return err
	}
	if st.State != AnalysisPending {
		return fmt.Errorf("%w: the analysis of evidence %d is not pending", ErrInvalid, evidenceID)
	}
	rec := st.AnalysisRecord
	rec.State, rec.Finished, rec.Detections, rec.Error = state, c.now(), st.Stored, reason
	action := ActionFinishAnalysis
	if state == AnalysisFailed {
		action = ActionFailAnalysis
	}
	return putAnalysis(tx, c, rec, action)
}

// putAnalysis writes an analysis record with its audit entry.
func putAnalysis(tx *bolt.Tx, c *Case, rec AnalysisRecord, action Action) error {
	raw, err := analysisPut(tx, rec)
	if err != nil {
		return err
	}
	details := map[string]any{"evidence_id": rec.EvidenceID, "state": rec.State, "detections": rec.Detections}
	if rec.Error != "" {
		details["error"] = rec.Error
	}
	_, err = appendAudit(tx, c.now(), c.actor, action, details,
		[]RecordRef{recordRef(bucketAnalysis, u64Key(rec.EvidenceID), raw)})
	return err
}

// analysisPut stores rec (creating the bucket in cases made before it
// existed) and returns the stored bytes for the audit entry.
func analysisPut(tx *bolt.Tx, rec AnalysisRecord) ([]byte, error) {
	b, err := tx.CreateBucketIfNotExists(bucketAnalysis)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	return raw, b.Put(u64Key(rec.EvidenceID), raw)
}

func readAnalysisStatus(tx *bolt.Tx, evidenceID uint64) (AnalysisStatus, error) {
	rec := AnalysisRecord{EvidenceID: evidenceID}
	if b := tx.Bucket(bucketAnalysis); b != nil {
		if v := b.Get(u64Key(evidenceID)); v != nil {
			var err error
			if rec, err = decodeAnalysis(u64Key(evidenceID), v); err != nil {
				return AnalysisStatus{}, err
			}
		}
	}
	return statusOf(tx, rec)
}

func decodeAnalysis(k, v []byte) (AnalysisRecord, error) {
	var rec AnalysisRecord
	if err := json.Unmarshal(v, &rec); err != nil || rec.EvidenceID != keyU64(k) {
		return rec, fmt.Errorf("%w: analysis record of evidence %d is unreadable", ErrCorrupt, keyU64(k))
	}
	return rec, nil
}

// statusOf adds what is stored of the item to its record.
func statusOf(tx *bolt.Tx, rec AnalysisRecord) (AnalysisStatus, error) {
	st := AnalysisStatus{AnalysisRecord: rec, Stored: getU64(tx.Bucket(bucketDetCounts), u64Key(rec.EvidenceID))}
	if st.Stored > 0 {
		// The index is ordered by evidence, frame, id: the last key
		// before the next evidence item's first is the highest frame.
		c := tx.Bucket(bucketDetIndex).Cursor()
		k, _ := c.Seek(u64Key(rec.EvidenceID + 1))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		if len(k) != 20 || keyU64(k) != rec.EvidenceID {
			return st, fmt.Errorf("%w: the detection index lacks evidence %d", ErrCorrupt, rec.EvidenceID)
		}
		st.LastFrame = binary.BigEndian.Uint32(k[8:])
	}
	return st, nil
}
