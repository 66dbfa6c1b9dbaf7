package casefile

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/progress"
)

// DetectionBatchSize is how many detections AddDetections commits per
// transaction. Each batch is durable (fsynced) and audited before the next
// one starts.
const DetectionBatchSize = 25000

// AddDetections stores detections and returns their ids, in input order.
// The evidence items must exist. Detections are committed in batches of
// about DetectionBatchSize, each batch atomically with its audit entry and
// ending where a frame ends, so a frame's detections (all the faces of a
// photo) are stored together or not at all; on error or cancellation the ids
// of the batches already committed are returned with the error (those
// detections are stored; the rest are not). rep receives "store" updates
// counted in detections; nil discards them.
func (c *Case) AddDetections(ctx context.Context, dets []Detection, rep progress.Reporter) ([]uint64, error) {
	ids, err := c.addDetections(ctx, dets, rep, 0)
	if err != nil {
		return ids, fmt.Errorf("add detections to %s: %w", c.path, err)
	}
	return ids, nil
}

// StoreAnalysis stores the faces an analysis found in evidence item
// evidenceID, whose analysis must be pending, and records it done in the
// same transaction as the last batch: a photo's faces and the "done"
// mark are one atomic step. Every detection must be of that item. With
// no detections it only records the analysis done.
func (c *Case) StoreAnalysis(ctx context.Context, evidenceID uint64, dets []Detection, rep progress.Reporter) ([]uint64, error) {
	for i := range dets {
		if dets[i].EvidenceID != evidenceID {
			return nil, fmt.Errorf("store analysis of evidence %d in %s: %w: detection %d is of evidence %d", evidenceID, c.path, ErrInvalid, i+1, dets[i].EvidenceID)
		}
	}
	st, err := c.Analysis(evidenceID)
	if err == nil && st.State != AnalysisPending {
		err = fmt.Errorf("%w: the analysis of evidence %d is not pending", ErrInvalid, evidenceID)
	}
	if err != nil {
		return nil, fmt.Errorf("store analysis of evidence %d in %s: %w", evidenceID, c.path, err)
	}
	if len(dets) == 0 {
		return nil, c.FinishAnalysis(evidenceID)
	}
	ids, err := c.addDetections(ctx, dets, rep, evidenceID)
	if err != nil {
		return ids, fmt.Errorf("store analysis of evidence %d in %s: %w", evidenceID, c.path, err)
	}
	return ids, nil
}

// addDetections commits dets in batches; finish, when not 0, is the
// evidence item whose analysis the last batch records as done.
func (c *Case) addDetections(ctx context.Context, dets []Detection, rep progress.Reporter, finish uint64) ([]uint64, error) {
	if rep == nil {
		rep = progress.Discard
	}
	for i := range dets {
		if err := dets[i].validate(); err != nil {
			return nil, fmt.Errorf("detection %d of %d: %w", i+1, len(dets), err)
		}
	}
	start := time.Now()
	ids := make([]uint64, 0, len(dets))
	known := map[uint64]bool{}
	for len(ids) < len(dets) {
		if err := ctx.Err(); err != nil {
			return ids, err
		}
		batch := dets[len(ids):batchEnd(dets, len(ids))]
		last := uint64(0)
		if len(ids)+len(batch) == len(dets) {
			last = finish
		}
		got, err := c.addDetectionBatch(batch, known, last)
		if err != nil {
			return ids, err
		}
		ids = append(ids, got...)
		rep.Report(progress.Update{Stage: "store", Done: int64(len(ids)), Total: int64(len(dets)), Unit: "detections", Elapsed: time.Since(start)})
	}
	return ids, nil
}

// batchEnd is where the batch starting at from ends: after at most
// DetectionBatchSize detections, moved back to the end of a frame when the
// limit falls inside one. A single frame with more detections than a
// batch is committed whole, so every committed batch holds complete
// frames only (what a resumed analysis relies on).
func batchEnd(dets []Detection, from int) int {
	end := min(len(dets), from+DetectionBatchSize)
	if end == len(dets) {
		return end
	}
	sameFrame := func(a, b *Detection) bool { return a.EvidenceID == b.EvidenceID && a.Frame == b.Frame }
	for e := end; e > from+1; e-- {
		if !sameFrame(&dets[e-1], &dets[e]) {
			return e
		}
	}
	for end < len(dets) && sameFrame(&dets[end-1], &dets[end]) {
		end++
	}
	return end
}

func (c *Case) addDetectionBatch(batch []Detection, known map[uint64]bool, finish uint64) ([]uint64, error) {
	var ids []uint64
	err := c.update(func(tx *bolt.Tx) error {
		ids = make([]uint64, len(batch))
		evb := tx.Bucket(bucketEvidence)
		perEvidence := map[uint64]uint64{}
		for _, d := range batch {
			if !known[d.EvidenceID] {
				if evb.Get(u64Key(d.EvidenceID)) == nil {
					return fmt.Errorf("evidence %d: %w", d.EvidenceID, ErrNotFound)
				}
			}
			perEvidence[d.EvidenceID]++
		}
		b := tx.Bucket(bucketDetections)
		idx := tx.Bucket(bucketDetIndex)
		b.FillPercent, idx.FillPercent = 1, 1
		first := b.Sequence() + 1
		if err := b.SetSequence(first + uint64(len(batch)) - 1); err != nil {
			return err
		}
		// bbolt keeps the key and value slices until commit, so records
		// are encoded into arenas that are never rewritten.
		values := make([]byte, 0, len(batch)*1200)
		keys := make([]byte, 0, len(batch)*28)
		hasher := newRangeHasher()
		evidenceIDs := make([]uint64, 0, len(perEvidence))
		for i := range batch {
			d := batch[i]
			d.ID = first + uint64(i)
			ids[i] = d.ID
			start := len(values)
			values = d.encode(values)
			v := values[start:len(values):len(values)]
			ks := len(keys)
			keys = append(keys, u64Key(d.ID)...)
			k := keys[ks:len(keys):len(keys)]
			if err := b.Put(k, v); err != nil {
				return err
			}
			hasher.add(k, v)
			ks = len(keys)
			keys = append(keys, detIndexKey(d.EvidenceID, d.Frame, d.ID)...)
			if err := idx.Put(keys[ks:len(keys):len(keys)], nil); err != nil {
				return err
			}
		}
		counts := tx.Bucket(bucketDetCounts)
		for ev, n := range perEvidence {
			evidenceIDs = append(evidenceIDs, ev)
			k := u64Key(ev)
			if err := putU64(counts, k, getU64(counts, k)+n); err != nil {
				return err
			}
		}
		sortU64(evidenceIDs)
		meta := tx.Bucket(bucketMeta)
		if err := putU64(meta, metaDetectionCount, getU64(meta, metaDetectionCount)+uint64(len(batch))); err != nil {
			return err
		}
		_, err := appendAudit(tx, c.now(), c.actor, ActionAddDetections,
			map[string]any{"count": len(batch), "first_id": first, "last_id": first + uint64(len(batch)) - 1, "evidence_ids": evidenceIDs},
			[]RecordRef{hasher.ref(bucketDetections)})
		if err != nil || finish == 0 {
			return err
		}
		return finishAnalysis(tx, c, finish)
	})
	if err != nil {
		return nil, err
	}
	for i := range batch {
		known[batch[i].EvidenceID] = true
	}
	return ids, nil
}
