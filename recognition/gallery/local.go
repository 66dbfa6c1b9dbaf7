package gallery

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"facecase/facedata"
)

// Local is a gallery on this machine: in memory (NewMemory) or in a gallery
// file (Open). Searches run concurrently with each other and with adds,
// removes and index rebuilds.
type Local struct {
	opts Options
	st   *store // nil for a memory gallery

	// writeMu serialises changes (adds, removes, the steps of a rebuild).
	writeMu sync.Mutex
	// rebuildMu lets one rebuild run at a time, upgradeMu one upgrade.
	rebuildMu sync.Mutex
	upgradeMu sync.Mutex
	fillMu    sync.Mutex        // one FillStats at a time
	labelIdx  map[string]uint32 // label -> index, built on first add
	dirty     []uint32          // rows changed while a rebuild runs
	rebuilds  int               // > 0 while a rebuild runs
	nextRow   uint32            // rows ever used; free rows below it are reused

	// mu guards what searches read; changes take it only to apply a
	// committed change.
	mu      sync.RWMutex
	ix      *index
	ids     []FaceID // per row; 0 = free row
	labelOf []uint32 // per row
	labels  []string
	free    []uint32
	live    int
	mem     *memVectors  // memory gallery
	fileVec *fileVectors // gallery file: where each chunk of floats is
	byID    map[FaceID]uint32
	// statsAll says that every face's stored cohort statistics come from
	// Options.Cohort, statsDone that those of the chunks below it do (see
	// stats_fill.go).
	statsAll  bool
	statsDone uint32
	// statsGen counts adds: a reading of the faces' statistics into the
	// index (readNormStats) that one overtook starts again (a statistics
	// fill need not: the reading computes what the fill stores).
	// normReading is true while one runs.
	statsGen    uint64
	normReading atomic.Bool
	// fineBuilding is true while a reading of the statistics builds the
	// index's fine codes (one at a time: see fine_table.go).
	fineBuilding atomic.Bool
	// distanceShortlist makes normalised searches shortlist by distance
	// even with a current table (benchmarks and tests compare the two).
	distanceShortlist bool

	closed atomic.Bool
	bg     background
}

// NewMemory makes an empty gallery that lives in memory only.
func NewMemory(opts Options) *Local {
	g := &Local{opts: opts.withDefaults(), ix: emptyIndex(), mem: &memVectors{}, byID: map[FaceID]uint32{}}
	g.useStats(statsState{})
	g.bg.init()
	return g
}

// Len is the number of enrolled faces.
func (g *Local) Len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.live
}

// Search returns up to k candidates within threshold (<= 0: no limit),
// nearest first. Small galleries are searched exactly; indexed ones with the
// inverted-file index and exact re-ranking (see Options.NProbe).
func (g *Local) Search(ctx context.Context, probe facedata.Descriptor, k int, threshold float64) ([]Candidate, error) {
	return g.search(ctx, &probe, k, threshold, false)
}

// SearchExact returns the exact k nearest candidates within threshold,
// whatever the index: every list is scanned and every face that per-face
// error bounds cannot rule out is re-ranked with its float descriptor. It is
// the reference approximate search is measured against.
func (g *Local) SearchExact(ctx context.Context, probe facedata.Descriptor, k int, threshold float64) ([]Candidate, error) {
	return g.search(ctx, &probe, k, threshold, true)
}

func (g *Local) search(ctx context.Context, probe *facedata.Descriptor, k int, threshold float64, exact bool) ([]Candidate, error) {
	if g.closed.Load() {
		return nil, ErrClosed
	}
	if k <= 0 {
		return nil, fmt.Errorf("search: k = %d, want at least 1", k)
	}
	if err := checkDescriptor(probe); err != nil {
		return nil, fmt.Errorf("search: probe: %w", err)
	}
	thr := float32(math.Inf(1))
	if threshold > 0 {
		thr = math.Nextafter32(float32(threshold), thr)
	} else {
		threshold = math.Inf(1)
	}
	q := (*[dim]float32)(probe)
	g.mu.RLock()
	defer g.mu.RUnlock()
	p := scanParams{k: k, threshold: thr, nprobe: g.nprobe(), rerank: max(g.opts.Rerank, k),
		shortlist: g.shortlist(), exact: exact}
	var rows []uint32
	var err error
	if !g.ix.resident && (exact || g.ix.flat() || g.ix.pq == nil) {
		rows, err = g.scanFile(ctx, q, k, thr)
	} else {
		rows, err = g.ix.scan(ctx, q, p)
	}
	if err != nil {
		return nil, fmt.Errorf("search%s: %w", g.fileName(), err)
	}
	dist, err := g.rerank(ctx, q, rows)
	if err != nil {
		return nil, fmt.Errorf("search%s: %w", g.fileName(), err)
	}
	found := make([]rankedRow, 0, len(rows))
	for i, r := range rows {
		if dist[i] <= threshold {
			found = append(found, rankedRow{key: dist[i], dist: dist[i], row: r})
		}
	}
	return g.topCandidates(found, k, false), nil
}

// rerank returns the exact distance from q to each row's float
// descriptor, reading them on all cores when there are many (a shortlist
// read from the file). mu is held.
func (g *Local) rerank(ctx context.Context, q *[dim]float32, rows []uint32) ([]float64, error) {
	dist := make([]float64, len(rows))
	const block = 256
	errs := make([]error, workerCount())
	err := parallelFor(ctx, len(rows), block, func(w, lo, hi int) {
		if errs[w] != nil {
			return
		}
		s := chunkScratchPool.Get().(*chunkScratch)
		defer chunkScratchPool.Put(s)
		vecs := grow(&s.vecs, (hi-lo)*dim)
		if errs[w] = g.readVectors(rows[lo:hi], vecs, &s.raw); errs[w] != nil {
			return
		}
		for i := lo; i < hi; i++ {
			d := math.Sqrt(float64(sqDist(q, (*[dim]float32)(vecs[(i-lo)*dim:]))))
			if math.IsNaN(d) || math.IsInf(d, 0) {
				// Stored descriptors are checked to be finite when added;
				// one that is not was damaged in the file.
				errs[w] = fmt.Errorf("%w: the descriptor of row %d is not finite", ErrCorrupt, rows[i])
				return
			}
			dist[i] = d
		}
	})
	if err != nil {
		return nil, err
	}
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return dist, nil
}

// rankedRow is a face row found by a search: key orders the candidates
// (the distance, or the normalised score), dist is the distance.
type rankedRow struct {
	key, dist float64
	row       uint32
}

// topCandidates orders found by key (ties by face id), keeps the first k and
// turns them into candidates; withScore sets each candidate's Score to its
// key.
func (g *Local) topCandidates(found []rankedRow, k int, withScore bool) []Candidate {
	slices.SortFunc(found, func(a, b rankedRow) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return cmpID(g.ids[a.row], g.ids[b.row])
	})
	found = found[:min(k, len(found))]
	out := make([]Candidate, len(found))
	for i, f := range found {
		out[i] = Candidate{Face: g.ids[f.row], Label: g.labels[g.labelOf[f.row]], Distance: f.dist}
		if withScore {
			out[i].Score = f.key
		}
	}
	return out
}

// cmpID orders face ids.
func cmpID(a, b FaceID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// shortlist is the shortlist of an approximate search; mu must be held.
func (g *Local) shortlist() int {
	if g.opts.Shortlist > 0 {
		return g.opts.Shortlist
	}
	return DefaultShortlist(g.ix.count)
}

// nprobe is the lists an approximate search scans; mu must be held.
func (g *Local) nprobe() int {
	if g.opts.NProbe > 0 {
		return g.opts.NProbe
	}
	return DefaultNProbe(len(g.ix.lists), g.ix.count)
}

// readVectors copies the float descriptors of rows, raw being scratch
// for the file's records; mu must be held.
func (g *Local) readVectors(rows []uint32, dst []float32, raw *[]float32) error {
	return g.readRecords(rows, dst, nil, raw)
}

// readRecords is readVectors that also copies the rows' cohort statistics
// into stats (nil: not wanted); mu must be held.
func (g *Local) readRecords(rows []uint32, dst []float32, stats []facedata.CohortStats, raw *[]float32) error {
	if g.mem != nil {
		return g.mem.read(rows, dst, stats)
	}
	return g.fileVec.read(rows, dst, stats, raw)
}

// readChunkVectors copies the float descriptors of the first n rows of
// chunk c; mu must be held.
func (g *Local) readChunkVectors(c uint32, n int, dst []float32, raw *[]float32) error {
	if g.mem != nil {
		return g.mem.readChunk(c, n, dst)
	}
	return g.fileVec.readChunk(c, n, dst, raw)
}

// Add enrols faces (see Gallery.Add). The faces of one call are committed
// together: all or none.
func (g *Local) Add(ctx context.Context, faces []Face) error {
	if g.closed.Load() {
		return ErrClosed
	}
	seen := make(map[FaceID]bool, len(faces))
	for i := range faces {
		f := &faces[i]
		if f.ID == 0 {
			return fmt.Errorf("add face %d of %d: %w", i+1, len(faces), ErrBadFaceID)
		}
		if err := checkDescriptor(&f.Descriptor); err != nil {
			return fmt.Errorf("add face %d: %w", f.ID, err)
		}
		if seen[f.ID] {
			return fmt.Errorf("add face %d: given twice: %w", f.ID, ErrDuplicate)
		}
		seen[f.ID] = true
	}
	if len(faces) == 0 {
		return nil
	}
	if err := g.writable(); err != nil {
		return fmt.Errorf("add: %w", err)
	}
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	if g.closed.Load() {
		return ErrClosed
	}
	if err := g.checkNew(faces); err != nil {
		return err
	}
	if g.opts.Cohort != nil {
		faces = slices.Clone(faces) // their statistics are filled in below
	}
	a := &addition{faces: faces, rows: make([]uint32, len(faces)), labels: make([]uint32, len(faces))}
	g.planRows(a)
	g.planLabels(a)
	a.codes = make([]code, len(faces))
	ix := g.ix // replaced only under writeMu, which is held
	cohort := g.opts.Cohort
	err := parallelFor(ctx, len(faces), 256, func(_, lo, hi int) {
		var scratch []float32
		for i := lo; i < hi; i++ {
			a.codes[i] = ix.encode((*[dim]float32)(&faces[i].Descriptor), &scratch)
			if cohort != nil && !faces[i].Cohort.Valid() {
				faces[i].Cohort = cohort.Stats(&faces[i].Descriptor)
			}
			a.codes[i].stats = faces[i].Cohort
		}
	})
	if err != nil {
		return fmt.Errorf("add: %w", err)
	}
	a.changes = ix.changes + len(faces)
	var vec *fileVectors
	if g.st != nil {
		if vec, err = g.st.commitAdd(a); err != nil {
			return fmt.Errorf("add %d faces: %w", len(faces), err)
		}
	}
	g.mu.Lock()
	g.applyAdd(a)
	g.statsGen++
	if vec != nil {
		g.fileVec = vec
	}
	g.mu.Unlock()
	g.maybeRebuild()
	return nil
}

// addition is one Add call planned: where each face goes.
type addition struct {
	faces     []Face
	rows      []uint32
	labels    []uint32
	newLabels []string // labels first seen in this call, numbered from firstLabel
	codes     []code
	nextRow   uint32 // rows ever used after this call
	reused    int    // how many rows come from the free list
	changes   int    // index changes since training after this call
}

// checkNew fails with ErrDuplicate when a face id is already enrolled.
func (g *Local) checkNew(faces []Face) error {
	if g.st != nil {
		return g.st.checkNew(faces)
	}
	for i := range faces {
		if _, ok := g.byID[faces[i].ID]; ok {
			return fmt.Errorf("add face %d: %w", faces[i].ID, ErrDuplicate)
		}
	}
	return nil
}

// planRows gives each face a row: freed rows first, then new ones.
func (g *Local) planRows(a *addition) {
	next := g.nextRow
	for i := range a.rows {
		if i < len(g.free) {
			a.rows[i] = g.free[len(g.free)-1-i]
			a.reused++
			continue
		}
		a.rows[i] = next
		next++
	}
	a.nextRow = next
}

// planLabels numbers each face's label, giving new labels new numbers.
func (g *Local) planLabels(a *addition) {
	if g.labelIdx == nil {
		g.labelIdx = make(map[string]uint32, len(g.labels))
		for i, l := range g.labels {
			g.labelIdx[l] = uint32(i)
		}
	}
	next := uint32(len(g.labels))
	fresh := map[string]uint32{}
	for i := range a.faces {
		l := a.faces[i].Label
		if n, ok := g.labelIdx[l]; ok {
			a.labels[i] = n
		} else if n, ok := fresh[l]; ok {
			a.labels[i] = n
		} else {
			fresh[l] = next
			a.labels[i] = next
			a.newLabels = append(a.newLabels, l)
			next++
		}
	}
}

// limitResidency drops the int8 codes from memory once a gallery file's
// index outgrows Options.MaxResidentCodes (a bulk import into a flat index
// stays within memory that way); mu is held.
func (g *Local) limitResidency() {
	if g.st != nil && g.ix.resident && g.ix.count > g.opts.MaxResidentCodes {
		g.ix.dropCodes()
	}
}

// residentFor says whether an index of n faces keeps its int8 codes in memory.
func (g *Local) residentFor(n int) bool { return g.st == nil || n <= g.opts.MaxResidentCodes }

// applyAdd puts a committed addition in memory; mu and writeMu are held.
func (g *Local) applyAdd(a *addition) {
	for _, l := range a.newLabels {
		g.labelIdx[l] = uint32(len(g.labels))
		g.labels = append(g.labels, l)
	}
	g.free = g.free[:len(g.free)-a.reused]
	g.nextRow = a.nextRow
	for int(g.nextRow) > len(g.ids) {
		g.ids = append(g.ids, 0)
		g.labelOf = append(g.labelOf, 0)
	}
	for i, r := range a.rows {
		f := &a.faces[i]
		g.ids[r] = f.ID
		g.labelOf[r] = a.labels[i]
		if g.mem != nil {
			g.mem.set(r, (*[dim]float32)(&f.Descriptor), f.Cohort)
			g.byID[f.ID] = r
		}
		g.ix.insert(r, &a.codes[i])
		g.ix.insertFine(r, (*[dim]float32)(&f.Descriptor))
	}
	g.live += len(a.rows)
	g.limitResidency()
	g.ix.changes = a.changes
	if g.rebuilds > 0 {
		g.dirty = append(g.dirty, a.rows...)
	}
}

// Remove takes faces out of the gallery (see Gallery.Remove).
func (g *Local) Remove(ctx context.Context, ids []FaceID) error {
	if g.closed.Load() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	if err := g.writable(); err != nil {
		return fmt.Errorf("remove: %w", err)
	}
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	if g.closed.Load() {
		return ErrClosed
	}
	rows := make([]uint32, len(ids))
	seen := make(map[FaceID]bool, len(ids))
	for i, id := range ids {
		if seen[id] {
			return fmt.Errorf("remove face %d: given twice: %w", id, ErrNotFound)
		}
		seen[id] = true
		if g.st == nil {
			r, ok := g.byID[id]
			if !ok {
				return fmt.Errorf("remove face %d: %w", id, ErrNotFound)
			}
			rows[i] = r
		}
	}
	changes := g.ix.changes + len(ids)
	var vec *fileVectors
	if g.st != nil {
		var err error
		if rows, err = g.st.rowsOf(ids); err != nil {
			return fmt.Errorf("remove: %w", err)
		}
		for i, r := range rows {
			// The face id index is checked against the rows chunks.
			if int(r) >= len(g.ids) || g.ids[r] != ids[i] {
				return fmt.Errorf("remove face %d: %w: the face id index points to row %d", ids[i], ErrCorrupt, r)
			}
		}
		if vec, err = g.st.commitRemove(ids, rows, changes); err != nil {
			return fmt.Errorf("remove %d faces: %w", len(ids), err)
		}
	}
	g.mu.Lock()
	for i, r := range rows {
		g.ids[r] = 0
		g.ix.remove(r)
		g.free = append(g.free, r)
		if g.byID != nil {
			delete(g.byID, ids[i])
		}
	}
	g.live -= len(rows)
	g.ix.changes = changes
	if g.rebuilds > 0 {
		g.dirty = append(g.dirty, rows...)
	}
	if vec != nil {
		g.fileVec = vec
	}
	g.mu.Unlock()
	g.maybeRebuild()
	return nil
}

// fileName is " gallery PATH" for a gallery file, for error messages.
func (g *Local) fileName() string {
	if g.st == nil {
		return ""
	}
	return " gallery " + g.st.path
}

// writable fails with ErrReadOnly for a gallery opened read-only.
func (g *Local) writable() error {
	if g.st != nil && g.st.readOnly {
		return ErrReadOnly
	}
	return nil
}

// Close stops a running rebuild, waits for it and releases the gallery.
func (g *Local) Close() error {
	if g.closed.Swap(true) {
		return ErrClosed
	}
	g.bg.stop()
	g.writeMu.Lock()
	defer g.writeMu.Unlock()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.st != nil {
		return g.st.close()
	}
	return nil
}

// Stats describes a gallery's index.
type Stats struct {
	Faces       int // enrolled
	Lists       int // inverted lists (1: flat, searched exactly)
	LargestList int
	TrainedOn   int // faces the index was trained on
	Changes     int // adds and removes since
	NProbe      int // lists an approximate search scans
	Shortlist   int // candidates re-scored with int8 codes (0: no product quantizer)
	Rerank      int // candidates re-ranked with float descriptors
	Rebuilding  bool
	Kernels     string // "avx2" or "go"
	// Legacy says that chunks of an older file version, without
	// checksums, remain (see Upgrade).
	Legacy bool
	// ResidentCodes says whether the int8 codes are in memory (see
	// Options.MaxResidentCodes).
	ResidentCodes bool
	IndexedFaces  int
}

// Stats reports the index's shape.
func (g *Local) Stats() Stats {
	g.mu.RLock()
	defer g.mu.RUnlock()
	sl := 0
	if g.ix.pq != nil && !g.ix.flat() {
		sl = g.shortlist()
	}
	return Stats{
		Faces: g.live, Lists: len(g.ix.lists), LargestList: g.ix.largestList(),
		TrainedOn: g.ix.trainedOn, Changes: g.ix.changes, NProbe: g.nprobe(), Shortlist: sl, Rerank: g.opts.Rerank,
		Rebuilding: g.bg.running.Load(), Kernels: kernelName, IndexedFaces: g.ix.count,
		ResidentCodes: g.ix.resident, Legacy: g.st != nil && g.st.legacy.Load(),
	}
}
