package recognition

import (
	"facecase/facedata"
	"sort"
)

// NonMaxSuppression keeps the best-scored detection of every group that
// overlaps: going from the highest score down, a detection is dropped when
// its box overlaps an already kept one by more than iou (intersection over
// union). The result is sorted best first; detections with equal scores
// keep their input order. dets is not modified.
func NonMaxSuppression(dets []facedata.Detection, iou float64) []facedata.Detection {
	order := make([]int, len(dets))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return dets[order[a]].Score > dets[order[b]].Score })
	var kept []facedata.Detection
	for _, i := range order {
		d := dets[i]
		suppressed := false
		for _, k := range kept {
			if d.Box.IoU(k.Box) > iou {
				suppressed = true
				break
			}
		}
		if !suppressed {
			kept = append(kept, d)
		}
	}
	return kept
}
