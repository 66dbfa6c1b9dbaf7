package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"facecase/casefile"
	"facecase/internal/testenv"
	"facecase/ui/async"
)

// BenchmarkScanUIBlocking takes a batch (the face_recognition example
// photos and its video clip) into a case through the case window, as a
// drop does, and reports how long the UI goroutine was kept busy: the
// longest of our UI updates and handlers (async.Callbacks), and the longest
// an update posted every 10 ms had to wait (async.Probe). Target: 100 ms.
//
//	go test ./ui/app/ -run '^$' -bench ScanUIBlocking -benchtime 1x
func BenchmarkScanUIBlocking(b *testing.B) {
	data := testenv.SharedData(b, "face_recognition")
	testenv.Model(b, "descriptor")
	var files []string
	for _, f := range []string{"obama.jpg", "obama2.jpg", "biden.jpg", "two_people.jpg", "obama-1080p.jpg",
		"alex-lacamoire.png", "lin-manuel-miranda.png", "short_hamilton_clip.mp4"} {
		files = append(files, filepath.Join(data, f))
	}
	a := newTestApp(b)
	var maxCallback, maxWait time.Duration
	var name string
	var seconds float64
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), "scan.facecase")
		s, err := a.CreateCase(b.Context(), casefile.CaseInfo{Number: "S", Title: "scan", Investigator: "bench", Purpose: "bench"}, path)
		if err != nil {
			b.Fatal(err)
		}
		var cw *CaseWindow
		async.Locked(func() {
			a.ShowCase(s)
			cw, _ = a.Window(path)
		})
		probe := async.NewMonitor(async.UILimit)
		ctx, stop := context.WithCancel(b.Context())
		go async.Probe(ctx, 10*time.Millisecond, probe)
		async.Callbacks.Reset()
		start := time.Now()
		async.DoAndWait("bench drop", func() { cw.Evidence.AddPaths(files) })
		for {
			busy := true
			async.Locked(func() { busy = cw.Tasks().Busy() })
			if !busy {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		seconds += time.Since(start).Seconds()
		stop()
		cs, ps := async.Callbacks.Stats(), probe.Stats()
		if cs.Max > maxCallback {
			maxCallback, name = cs.Max, cs.MaxName
		}
		maxWait = max(maxWait, ps.Max)
		b.Logf("scan %.1f s: %d UI updates, longest %v (%s); %d probes, longest wait %v",
			time.Since(start).Seconds(), cs.Count, cs.Max, cs.MaxName, ps.Count, ps.Max)
		async.Locked(cw.closeNow)
	}
	b.ReportMetric(float64(maxCallback.Microseconds())/1000, "max-callback-ms")
	b.ReportMetric(float64(maxWait.Microseconds())/1000, "max-wait-ms")
	b.ReportMetric(seconds/float64(b.N), "scan-s")
	b.ReportMetric(0, "ns/op")
	b.Logf("longest UI update: %v (%s)", maxCallback, name)
}
