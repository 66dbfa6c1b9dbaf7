package casefile

import (
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// DefaultPageSize is the page length Detections uses when Limit is 0.
const DefaultPageSize = 100

// DetectionQuery selects one page of detections.
type DetectionQuery struct {
	// EvidenceID restricts the page to one evidence item (ordered by frame,
	// then id); 0 lists every detection in id order.
	EvidenceID uint64
	// After continues a listing: pass the previous page's Next.
	After DetectionCursor
	// Limit is the page length; 0 means DefaultPageSize.
	Limit int
}

// DetectionCursor marks where a page ended. The zero cursor starts at the
// beginning.
type DetectionCursor struct {
	Frame uint32 `json:"frame"`
	ID    uint64 `json:"id"`
}

// DetectionPage is one page of a listing.
type DetectionPage struct {
	Detections []Detection
	// Next continues the listing; More is false on the last page.
	Next DetectionCursor
	More bool
}

// Detections returns one page of detections. It seeks straight to the
// page: listing the first page of a case with millions of detections reads
// only that page.
func (c *Case) Detections(q DetectionQuery) (DetectionPage, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultPageSize
	}
	var page DetectionPage
	err := c.view(func(tx *bolt.Tx) error {
		det := tx.Bucket(bucketDetections)
		if q.EvidenceID == 0 {
			cur := det.Cursor()
			k, v := cur.Seek(u64Key(q.After.ID + 1))
			for ; k != nil; k, v = cur.Next() {
				if len(page.Detections) == q.Limit {
					page.More = true
					return nil
				}
				d, err := decodeDetection(keyU64(k), v)
				if err != nil {
					return err
				}
				page.Detections = append(page.Detections, d)
				page.Next = DetectionCursor{Frame: d.Frame, ID: d.ID}
			}
			return nil
		}
		cur := tx.Bucket(bucketDetIndex).Cursor()
		prefix := u64Key(q.EvidenceID)
		seek := detIndexKey(q.EvidenceID, q.After.Frame, q.After.ID+1)
		if q.After.ID == ^uint64(0) {
			return nil
		}
		for k, _ := cur.Seek(seek); k != nil && len(k) == 20 && string(k[:8]) == string(prefix); k, _ = cur.Next() {
			if len(page.Detections) == q.Limit {
				page.More = true
				return nil
			}
			id := keyU64(k[12:])
			v := det.Get(k[12:])
			if v == nil {
				return fmt.Errorf("%w: index lists detection %d, which is missing", ErrCorrupt, id)
			}
			d, err := decodeDetection(id, v)
			if err != nil {
				return err
			}
			page.Detections = append(page.Detections, d)
			page.Next = DetectionCursor{Frame: d.Frame, ID: d.ID}
		}
		return nil
	})
	if err != nil {
		return page, fmt.Errorf("list detections of %s: %w", c.path, err)
	}
	return page, nil
}

// Detection returns one detection.
func (c *Case) Detection(id uint64) (Detection, error) {
	var d Detection
	err := c.view(func(tx *bolt.Tx) (err error) {
		d, err = readDetection(tx, id)
		return err
	})
	return d, err
}

func readDetection(tx *bolt.Tx, id uint64) (Detection, error) {
	v := tx.Bucket(bucketDetections).Get(u64Key(id))
	if v == nil {
		return Detection{}, fmt.Errorf("detection %d: %w", id, ErrNotFound)
	}
	return decodeDetection(id, v)
}

// DetectionCount is the number of detections of one evidence item, or of
// the whole case when evidenceID is 0. It reads a counter, not the records.
func (c *Case) DetectionCount(evidenceID uint64) (uint64, error) {
	var n uint64
	err := c.view(func(tx *bolt.Tx) error {
		if evidenceID == 0 {
			n = getU64(tx.Bucket(bucketMeta), metaDetectionCount)
		} else {
			n = getU64(tx.Bucket(bucketDetCounts), u64Key(evidenceID))
		}
		return nil
	})
	return n, err
}

// FrameDetections returns every detection of one frame of an evidence item
// (for a photo, frame 0), in id order.
func (c *Case) FrameDetections(evidenceID uint64, frame uint32) ([]Detection, error) {
	var out []Detection
	err := c.view(func(tx *bolt.Tx) (err error) {
		out, err = readFrameDetections(tx, evidenceID, frame)
		return err
	})
	return out, err
}

func readFrameDetections(tx *bolt.Tx, evidenceID uint64, frame uint32) ([]Detection, error) {
	var out []Detection
	det := tx.Bucket(bucketDetections)
	prefix := detIndexKey(evidenceID, frame, 0)[:12]
	cur := tx.Bucket(bucketDetIndex).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && len(k) == 20 && string(k[:12]) == string(prefix); k, _ = cur.Next() {
		id := keyU64(k[12:])
		v := det.Get(k[12:])
		if v == nil {
			return nil, fmt.Errorf("%w: index lists detection %d, which is missing", ErrCorrupt, id)
		}
		d, err := decodeDetection(id, v)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func sortU64(s []uint64) { slices.Sort(s) }
