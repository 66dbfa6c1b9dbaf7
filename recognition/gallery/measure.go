package gallery

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"facecase/facedata"
)

// Recall is the share of the exact candidates that an approximate search
// also returned (recall@k when both lists are top-k); 1 when exact is empty.
func Recall(approx, exact []Candidate) float64 {
	if len(exact) == 0 {
		return 1
	}
	in := make(map[FaceID]bool, len(approx))
	for _, c := range approx {
		in[c.Face] = true
	}
	n := 0
	for _, c := range exact {
		if in[c.Face] {
			n++
		}
	}
	return float64(n) / float64(len(exact))
}

// SearchFigures are measured search latencies and recall.
type SearchFigures struct {
	Probes   int
	P50, P99 time.Duration // approximate top-k
	// CPU is the mean processor time of one approximate search, all
	// threads together: unlike latency it does not depend on what else
	// the machine runs (on an idle machine latency is about CPU/cores).
	CPU                time.Duration
	Recall             float64       // mean recall@k against exact search
	ExactP50, ExactP99 time.Duration // exact top-k
}

// MeasureSearch runs every probe through exact and approximate top-k search
// (no threshold, the hardest case for recall) and measures both.
func MeasureSearch(ctx context.Context, g *Local, probes []facedata.Descriptor, k int) (SearchFigures, error) {
	f := SearchFigures{Probes: len(probes)}
	if len(probes) == 0 {
		return f, fmt.Errorf("measure search: no probes")
	}
	exact := make([][]Candidate, len(probes))
	lat := make([]time.Duration, len(probes))
	for i := range probes {
		t0 := time.Now()
		var err error
		if exact[i], err = g.SearchExact(ctx, probes[i], k, 0); err != nil {
			return f, fmt.Errorf("measure exact search: %w", err)
		}
		lat[i] = time.Since(t0)
	}
	f.ExactP50, f.ExactP99 = percentiles(lat)
	cpu0 := processCPU()
	for i := range probes {
		t0 := time.Now()
		got, err := g.Search(ctx, probes[i], k, 0)
		lat[i] = time.Since(t0)
		if err != nil {
			return f, fmt.Errorf("measure search: %w", err)
		}
		f.Recall += Recall(got, exact[i])
	}
	f.CPU = (processCPU() - cpu0) / time.Duration(len(probes))
	f.Recall /= float64(len(probes))
	f.P50, f.P99 = percentiles(lat)
	return f, nil
}

// percentiles returns the median and the 99th percentile (nearest rank).
func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return at(0.5), at(0.99)
}

// Memory is the process's resident memory, from /proc/self/status (Linux).
type Memory struct {
	RSS     int64 // resident now, bytes
	RSSFile int64 // of which pages of mapped files
	Peak    int64 // highest resident so far
}

// ProcessMemory reads the process's resident memory.
func ProcessMemory() (Memory, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return Memory{}, fmt.Errorf("resident memory: %w", err)
	}
	defer f.Close()
	var m Memory
	s := bufio.NewScanner(f)
	for s.Scan() {
		key, rest, ok := strings.Cut(s.Text(), ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "VmRSS":
			m.RSS = kb << 10
		case "RssFile":
			m.RSSFile = kb << 10
		case "VmHWM":
			m.Peak = kb << 10
		}
	}
	return m, s.Err()
}

// processCPU is the processor time the process used so far (0 where it
// cannot be read).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
