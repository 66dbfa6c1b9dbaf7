package casefile

import (
	"fmt"
	"path/filepath"
	"strings"

	"facecase/facedata"
)

// PhotoRedactor decodes the photo at path as the engine saw it (EXIF
// orientation applied), blurs each box (grown by a margin so hair line,
// ears and chin go too) and encodes the result: PNG for PNG sources
// (mediaType "image/png"), else JPEG. It returns the encoded bytes, their
// file extension (".jpg", ".png") and how many boxes fell inside the
// image. casefile has no image code of its own, so that it stays pure Go:
// media.RedactPhoto is the implementation the app and the CLI pass in
// ExportOptions.Redactor.
type PhotoRedactor func(path, mediaType string, boxes []facedata.Rect) (data []byte, ext string, blurred int, err error)

// redactedPhoto is a photo with faces blurred, encoded.
type redactedPhoto struct {
	data    []byte
	ext     string
	blurred int
	kept    int
}

// redactPhoto blurs every detection box except those of confirmed matches.
func redactPhoto(redact PhotoRedactor, path, mediaType string, dets []Detection, keepIDs map[uint64]bool, keepBoxes []facedata.Rect) (redactedPhoto, error) {
	var out redactedPhoto
	var boxes []facedata.Rect
	for _, d := range dets {
		if keepIDs[d.ID] || overlapsAny(d.Box, keepBoxes) {
			out.kept++
			continue
		}
		boxes = append(boxes, d.Box)
	}
	var err error
	out.data, out.ext, out.blurred, err = redact(path, mediaType, boxes)
	if err != nil {
		return redactedPhoto{}, err
	}
	return out, nil
}

func overlapsAny(r facedata.Rect, keep []facedata.Rect) bool {
	for _, k := range keep {
		if r.IoU(k) > 0.5 {
			return true
		}
	}
	return false
}

// mediaMemberName names a redacted copy inside the bundle.
func mediaMemberName(ev Evidence, ext string) string {
	base := strings.TrimSuffix(ev.Name, filepath.Ext(ev.Name))
	return fmt.Sprintf("%s%06d_%s%s", mediaMemberDir, ev.ID, safeFileName(base), ext)
}
