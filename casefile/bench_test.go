package casefile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"facecase/facedata"
	"facecase/media"
)

// benchDetections makes n detections of one evidence item that share
// their landmarks and a few descriptors, so a million fit in memory; the
// stored records are full size (about 1.1 KB each).
func benchDetections(evidenceID uint64, n int) []Detection {
	rng := newRand(31)
	descs := make([]facedata.Descriptor, 64)
	for i := range descs {
		descs[i] = randomDescriptor(rng)
	}
	lm := make([]facedata.Point, facedata.LandmarkCount)
	for i := range lm {
		lm[i] = facedata.Point{X: float64(100 + i), Y: float64(200 + i)}
	}
	dets := make([]Detection, n)
	for i := range dets {
		dets[i] = Detection{EvidenceID: evidenceID, Frame: uint32(i / 4), Time: time.Duration(i/4) * 40 * time.Millisecond,
			Box: facedata.Rect{X: float64(i % 500), Y: 50, W: 64, H: 80}, Score: 0.8, Detector: "blazeface", Landmarks: lm,
			Quality: facedata.Quality{Size: 25, Sharpness: 800, Brightness: 110, Usable: true}, Descriptor: &descs[i%len(descs)], TrackID: uint64(i % 4)}
	}
	return dets
}

// BenchmarkWriteDetections stores 100,000 detections per iteration in
// batched transactions (each fsynced and audited) and reports the rate.
// -benchtime 10x writes a million into one case.
func BenchmarkWriteDetections(b *testing.B) {
	c := newTestCase(b)
	ev := addTestEvidence(b, c, "video.mp4")
	dets := benchDetections(ev.ID, 100000)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := c.AddDetections(context.Background(), dets, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(dets))/time.Since(start).Seconds(), "detections/s")
	st, _ := os.Stat(c.Path())
	b.ReportMetric(float64(st.Size())/float64(b.N*len(dets)), "file-bytes/detection")
}

var (
	bigCaseOnce sync.Once
	bigCasePath string
	bigCaseErr  error
	bigCaseDir  string
)

// bigCase builds, once per test binary run, a case with a million
// detections of one video.
func bigCase(b *testing.B) string {
	bigCaseOnce.Do(func() {
		if bigCaseDir, bigCaseErr = os.MkdirTemp("", "facecase-bench-*"); bigCaseErr != nil {
			return
		}
		bigCasePath = filepath.Join(bigCaseDir, "big"+Extension)
		c, err := Create(bigCasePath, testInfo())
		if err != nil {
			bigCaseErr = err
			return
		}
		defer c.Close()
		src := writeTestFile(b, bigCaseDir, "video.mp4", []byte("a long video"))
		ev, err := c.AddEvidence(context.Background(), src, AddOptions{Reference: true})
		if err != nil {
			bigCaseErr = err
			return
		}
		dets := benchDetections(ev.ID, 100000)
		for i := 0; i < 10; i++ {
			for j := range dets {
				dets[j].Frame += 25000
			}
			if _, err := c.AddDetections(context.Background(), dets, nil); err != nil {
				bigCaseErr = err
				return
			}
		}
	})
	if bigCaseErr != nil {
		b.Fatal(bigCaseErr)
	}
	return bigCasePath
}

// BenchmarkOpenFirstPage opens a case holding a million detections for
// writing (lock, format and audit-chain checks, media check, "open" entry)
// and lists the first page of 100 detections of its video. The case was
// found sound by the open before (see BenchmarkOpenFullCheck for the first
// open of a case).
func BenchmarkOpenFirstPage(b *testing.B) {
	p := bigCase(b)
	if c, err := Open(p, Options{Actor: "bench"}); err == nil {
		c.Close() // checked in full once, and remembered
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := Open(p, Options{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		page, err := c.Detections(DetectionQuery{EvidenceID: 1, Limit: 100})
		if err != nil || len(page.Detections) != 100 || !page.More {
			b.Fatalf("first page: %d detections, %v", len(page.Detections), err)
		}
		n, _ := c.DetectionCount(0)
		if n != 1000000 {
			b.Fatalf("case holds %d detections", n)
		}
		c.Close()
	}
}

// BenchmarkOpenFullCheck opens the million-detection case for writing
// with nothing remembered of it, as the first open after it was copied,
// restored or changed elsewhere: the full check on open (page tree read
// from the file, audit chain, every record and detection run re-hashed).
func BenchmarkOpenFullCheck(b *testing.B) {
	p := bigCase(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		defaultVerifiedCache().forget(p)
		c, err := Open(p, Options{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkExport10k exports a case with 10,000 detections, a photo (with
// redacted copy), a search and a review, and reports seconds per export.
func BenchmarkExport10k(b *testing.B) {
	fx := newExportFixture(b, 10000)
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Export(context.Background(), fx.c, filepath.Join(dir, fmt.Sprintf("b%d.zip", i)), ExportOptions{Media: true, Redactor: media.RedactPhoto}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyBundle10k verifies the bundle of that case.
func BenchmarkVerifyBundle10k(b *testing.B) {
	fx := newExportFixture(b, 10000)
	out := filepath.Join(b.TempDir(), "b.zip")
	if _, err := Export(context.Background(), fx.c, out, ExportOptions{Media: true, Redactor: media.RedactPhoto}, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := VerifyBundle(context.Background(), out, nil)
		if err != nil || !rep.OK() {
			b.Fatal(err, rep.Problems)
		}
	}
}
