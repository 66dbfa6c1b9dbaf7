package casefile

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
)

// writeAuditJSONL writes the audit log as JSON lines: each line is an
// entry's stored bytes exactly, so anyone can re-check the chain from the
// file alone (each line's "prev" is the SHA-256 of the line before it).
func writeAuditJSONL(tx *bolt.Tx, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	err := tx.Bucket(bucketAudit).ForEach(func(_, v []byte) error {
		if _, err := bw.Write(v); err != nil {
			return err
		}
		return bw.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// detectionLine is one line of detections.jsonl: the detection without its
// landmarks and descriptor (both are in the snapshot).
type detectionLine struct {
	ID         uint64                `json:"id"`
	EvidenceID uint64                `json:"evidence_id"`
	Frame      uint32                `json:"frame"`
	Time       time.Duration         `json:"time_ns"`
	Box        facedata.Rect         `json:"box"`
	Score      float32               `json:"score"`
	Detector   facedata.DetectorName `json:"detector,omitempty"`
	Quality    facedata.Quality      `json:"quality"`
	TrackID    uint64                `json:"track_id,omitempty"`
}

// writeDetectionsJSONL lists every detection in id order.
func writeDetectionsJSONL(ctx context.Context, tx *bolt.Tx, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	n := 0
	err := tx.Bucket(bucketDetections).ForEach(func(k, v []byte) error {
		if n++; n%DetectionBatchSize == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		d, err := decodeDetection(keyU64(k), v)
		if err != nil {
			return err
		}
		return enc.Encode(detectionLine{ID: d.ID, EvidenceID: d.EvidenceID, Frame: d.Frame, Time: d.Time, Box: d.Box,
			Score: d.Score, Detector: d.Detector, Quality: d.Quality, TrackID: d.TrackID})
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}
