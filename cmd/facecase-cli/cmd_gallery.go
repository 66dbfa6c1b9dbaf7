package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"facecase/facedata"
	"facecase/internal/synthdesc"
	"facecase/models"
	"facecase/progress"
	"facecase/recognition/gallery"
	"facecase/recognition/scorenorm"
)

func init() {
	register(&command{
		name:    "gallery",
		summary: "watchlist gallery: import faces, search it, measure it",
		usage:   "import|search|verify|bench [options] (see 'facecase-cli gallery SUB -h')",
		run:     runGallery,
	})
}

func runGallery(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: missing sub-command import, search, verify or bench", errUsage)
	}
	var err error
	switch args[0] {
	case "import":
		err = galleryImport(ctx, env, args[1:])
	case "search":
		err = gallerySearch(ctx, env, args[1:])
	case "verify":
		err = galleryVerify(ctx, env, args[1:])
	case "bench":
		err = galleryBench(ctx, env, args[1:])
	default:
		return fmt.Errorf("%w: unknown sub-command %q (want import, search, verify or bench)", errUsage, args[0])
	}
	return galleryDamage(err)
}

// galleryDamage gives a damaged gallery file exit code 3, as a damaged case
// has, with what to do next.
func galleryDamage(err error) error {
	var ee *exitError
	if errors.As(err, &ee) || !(errors.Is(err, gallery.ErrCorrupt) || errors.Is(err, gallery.ErrTruncated)) {
		return err
	}
	return &exitError{code: 3, err: fmt.Errorf("%w\nthe gallery file is damaged: restore it from a copy, or import the watchlist again into a new file", err)}
}

// importBatch is how many faces one transaction adds.
const importBatch = 65536

func galleryImport(ctx context.Context, env *cliEnv, args []string) error {
	c := &command{name: "gallery import", summary: "Add faces to a gallery file (created when absent) and index them.",
		usage: "-gallery FILE (-jsonl FILE | -synthetic N)"}
	fs := newFlags(env, c)
	path := fs.String("gallery", "", "gallery file")
	jsonl := fs.String("jsonl", "", `JSON lines of {"id": N, "label": "...", "descriptor": [128 numbers]} ("-": standard input)`)
	synth := newIntFlag(fs, "synthetic", "N", 0, numberRange[int]{Min: 0, Max: maxGalleryFaces}, "instead, generate this many synthetic faces (see internal/synthdesc)")
	seed := newUint64Flag(fs, "seed", "S", synthdesc.DefaultSeed, seedRange, "seed of -synthetic")
	jsonProgress := fs.Bool("json-progress", false, "print progress as JSON lines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" || (*jsonl == "") == (*synth == 0) {
		return fmt.Errorf("%w: need -gallery and one of -jsonl or -synthetic", errUsage)
	}
	rep, finish := cliProgress(env, *jsonProgress)
	defer finish()
	opts := gallery.Options{ManualRebuild: true, Progress: rep}
	var err error
	if *jsonl != "" {
		// Real descriptors get their statistics against the shipped cohort,
		// for searches by normalised score (synthetic ones are not of its
		// space and get none).
		if opts.Cohort, err = models.LoadCohort(); err != nil {
			return err
		}
	}
	g, err := gallery.Open(*path, opts)
	if err != nil {
		return err
	}
	defer g.Close()
	before := g.Len()
	var src faceSource
	if *synth > 0 {
		src = newSyntheticSource(*seed, *synth, before)
	} else {
		r, closeIn, err := openInput(*jsonl)
		if err != nil {
			return err
		}
		defer closeIn()
		src = &jsonlSource{name: *jsonl, sc: bufio.NewScanner(r)}
	}
	added, err := importFaces(ctx, g, src, rep)
	if err != nil {
		return fmt.Errorf("import into %s: %w (%d faces were added before it and are kept)", *path, err, added)
	}
	if err := g.Upgrade(ctx); err != nil {
		return fmt.Errorf("upgrade %s to the current format: %w (the %d faces added are kept)", *path, err, added)
	}
	if err := g.FillStats(ctx); err != nil {
		return fmt.Errorf("cohort statistics of %s: %w (the %d faces added are kept)", *path, err, added)
	}
	if err := g.Rebuild(ctx); err != nil {
		return fmt.Errorf("index %s: %w (the %d faces added are kept; the index is rebuilt on next open)", *path, err, added)
	}
	s := g.Stats()
	fmt.Fprintf(env.stdout, "added %d faces; %s holds %d faces in %d lists\n", added, *path, s.Faces, s.Lists)
	return nil
}

// faceSource yields faces to import in batches; it returns io.EOF at the end.
type faceSource interface {
	next(dst []gallery.Face) (int, error)
}

func importFaces(ctx context.Context, g *gallery.Local, src faceSource, rep progress.Reporter) (int, error) {
	batch := make([]gallery.Face, importBatch)
	added := 0
	for {
		n, err := src.next(batch)
		if n > 0 {
			if aerr := g.Add(ctx, batch[:n]); aerr != nil {
				return added, aerr
			}
			added += n
			rep.Report(progress.Update{Stage: "import", Done: int64(added), Unit: "faces"})
		}
		if errors.Is(err, io.EOF) {
			return added, nil
		}
		if err != nil {
			return added, err
		}
	}
}

// jsonFace is one line of an import file.
type jsonFace struct {
	ID         *uint64   `json:"id"`
	Label      string    `json:"label"`
	Descriptor []float32 `json:"descriptor"`
}

type jsonlSource struct {
	name string
	sc   *bufio.Scanner
	line int
}

func (s *jsonlSource) next(dst []gallery.Face) (int, error) {
	if s.line == 0 {
		s.sc.Buffer(make([]byte, 64*1024), 1<<20)
	}
	n := 0
	for n < len(dst) && s.sc.Scan() {
		s.line++
		text := strings.TrimSpace(s.sc.Text())
		if text == "" {
			continue
		}
		var jf jsonFace
		if err := json.Unmarshal([]byte(text), &jf); err != nil {
			return 0, fmt.Errorf("%s line %d: %w", s.name, s.line, err)
		}
		if jf.ID == nil || *jf.ID == 0 {
			return 0, fmt.Errorf("%s line %d: need a positive \"id\"", s.name, s.line)
		}
		d, err := facedata.DescriptorFromSlice(jf.Descriptor)
		if err != nil {
			return 0, fmt.Errorf("%s line %d: %w", s.name, s.line, err)
		}
		dst[n] = gallery.Face{ID: gallery.FaceID(*jf.ID), Label: jf.Label, Descriptor: d}
		n++
	}
	if err := s.sc.Err(); err != nil {
		return 0, fmt.Errorf("%s line %d: %w", s.name, s.line+1, err)
	}
	if n < len(dst) {
		return n, io.EOF
	}
	return n, nil
}

// syntheticSource generates faces; ids continue after the faces already in
// the gallery so that repeated imports grow it.
type syntheticSource struct {
	gen        *synthdesc.Generator
	next0, end int
}

func newSyntheticSource(seed uint64, n, already int) *syntheticSource {
	return &syntheticSource{gen: synthdesc.New(synthdesc.Config{Seed: seed}), next0: already, end: already + n}
}

func (s *syntheticSource) next(dst []gallery.Face) (int, error) {
	n := min(len(dst), s.end-s.next0)
	ds := make([]facedata.Descriptor, n)
	s.gen.Fill(s.next0, ds)
	for i := range n {
		id := s.next0 + i
		dst[i] = gallery.Face{ID: gallery.FaceID(id + 1), Label: fmt.Sprintf("S%07d", s.gen.IdentityOf(id)), Descriptor: ds[i]}
	}
	s.next0 += n
	if s.next0 >= s.end {
		return n, io.EOF
	}
	return n, nil
}

func gallerySearch(ctx context.Context, env *cliEnv, args []string) error {
	c := &command{name: "gallery search", summary: "Search a gallery file with a descriptor or the faces of a photo.",
		usage: "-gallery FILE (-descriptor FILE | -image PHOTO) [-k 50] [-threshold 0.6 | -fmr 1e-4]"}
	fs := newFlags(env, c)
	path := fs.String("gallery", "", "gallery file")
	descFile := fs.String("descriptor", "", `JSON file: an array of 128 numbers, {"descriptor": [...]}, or JSON lines of either, one per face ("-": standard input)`)
	image := fs.String("image", "", "photo whose faces to search (through the recognition engine)")
	k := newIntFlag(fs, "k", "N", 50, numberRange[int]{Min: 1, Max: 10000}, "candidates per face")
	threshold := newFloatFlag(fs, "threshold", "D", facedata.SameThreshold, numberRange[float64]{Min: 0, Max: distanceRange.Max}, "largest distance returned (0: no limit)")
	fmr := newFMRFlag(fs, "fmr", 0, "rank and threshold by normalised score at this operating point (shipped cohort's calibration) instead of by distance")
	exact := fs.Bool("exact", false, "exact search (scans the whole gallery)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" || (*descFile == "") == (*image == "") {
		return fmt.Errorf("%w: need -gallery and one of -descriptor or -image", errUsage)
	}
	if *fmr > 0 && flagGiven(fs, "threshold") {
		return fmt.Errorf("%w: -threshold (a distance) and -fmr (an operating point) exclude each other", errUsage)
	}
	var probes []facedata.Descriptor
	var err error
	if *image != "" {
		probes, err = photoDescriptors(ctx, *image)
	} else {
		probes, err = readDescriptors(*descFile)
	}
	if err != nil {
		return err
	}
	var opts gallery.Options
	var point scorenorm.OperatingPoint
	if *fmr > 0 {
		if opts.Cohort, err = models.LoadCohort(); err != nil {
			return err
		}
		if point, err = opts.Cohort.Calibration().Point(*fmr); err != nil {
			return fmt.Errorf("%w: -fmr: %w", errUsage, err)
		}
	}
	g, err := gallery.OpenReadOnly(*path, opts)
	if err != nil {
		return err
	}
	defer g.Close()
	warnLegacy(env, g, *path)
	results := make([][]gallery.Candidate, len(probes))
	for i := range probes {
		switch {
		case *fmr > 0 && *exact:
			results[i], err = g.SearchNormalisedExact(ctx, facedata.Template{Descriptor: probes[i]}, *k, point.Threshold)
		case *fmr > 0:
			results[i], err = g.SearchNormalised(ctx, facedata.Template{Descriptor: probes[i]}, *k, point.Threshold)
		case *exact:
			results[i], err = g.SearchExact(ctx, probes[i], *k, *threshold)
		default:
			results[i], err = g.Search(ctx, probes[i], *k, *threshold)
		}
		if err != nil {
			return fmt.Errorf("face %d: %w", i+1, err)
		}
	}
	if *fmr > 0 && !*asJSON {
		fmt.Fprintf(env.stdout, "ranked by normalised score at %s\n", point)
	}
	return printCandidates(env.stdout, results, *asJSON, *fmr > 0)
}

// readDescriptors reads probe descriptors from a JSON file.
func readDescriptors(name string) ([]facedata.Descriptor, error) {
	r, closeIn, err := openInput(name)
	if err != nil {
		return nil, err
	}
	defer closeIn()
	dec := json.NewDecoder(r)
	var out []facedata.Descriptor
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var vals []float32
		if err := json.Unmarshal(raw, &vals); err != nil {
			var obj jsonFace
			if err2 := json.Unmarshal(raw, &obj); err2 != nil {
				return nil, fmt.Errorf("%s: face %d: want an array of 128 numbers or {\"descriptor\": [...]}", name, len(out)+1)
			}
			vals = obj.Descriptor
		}
		d, err := facedata.DescriptorFromSlice(vals)
		if err != nil {
			return nil, fmt.Errorf("%s: face %d: %w", name, len(out)+1, err)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no descriptor", name)
	}
	return out, nil
}

// printCandidates prints each face's candidates, with their normalised
// score when scored.
func printCandidates(w io.Writer, results [][]gallery.Candidate, asJSON, scored bool) error {
	if asJSON {
		type cand struct {
			Face     uint64   `json:"face_id"`
			Label    string   `json:"label"`
			Distance float64  `json:"distance"`
			Score    *float64 `json:"score,omitempty"`
		}
		type face struct {
			Face       int    `json:"face"`
			Candidates []cand `json:"candidates"`
		}
		out := struct {
			Faces []face `json:"faces"`
		}{}
		for i, r := range results {
			f := face{Face: i + 1, Candidates: []cand{}}
			for _, c := range r {
				x := cand{Face: uint64(c.Face), Label: c.Label, Distance: c.Distance}
				if scored {
					x.Score = &c.Score
				}
				f.Candidates = append(f.Candidates, x)
			}
			out.Faces = append(out.Faces, f)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, r := range results {
		fmt.Fprintf(tw, "face %d: %d candidates (leads for review, not identifications)\n", i+1, len(r))
		if len(r) > 0 && scored {
			fmt.Fprintln(tw, "  rank\tface id\tlabel\tscore\tdistance")
		} else if len(r) > 0 {
			fmt.Fprintln(tw, "  rank\tface id\tlabel\tdistance")
		}
		for j, c := range r {
			if scored {
				fmt.Fprintf(tw, "  %d\t%d\t%s\t%.3f\t%.4f\n", j+1, c.Face, c.Label, c.Score, c.Distance)
				continue
			}
			fmt.Fprintf(tw, "  %d\t%d\t%s\t%.4f\n", j+1, c.Face, c.Label, c.Distance)
		}
	}
	return tw.Flush()
}

// openInput opens a file, or standard input for "-".
func openInput(name string) (io.Reader, func(), error) {
	if name == "-" {
		return os.Stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// cliProgress returns the progress printer a command uses and its finish.
func cliProgress(env *cliEnv, asJSON bool) (progress.Reporter, func()) {
	if asJSON {
		return newJSONProgress(env.stderr), func() {}
	}
	p := newTextProgress(env.stderr)
	return p, p.Finish
}

func galleryBench(ctx context.Context, env *cliEnv, args []string) error {
	c := &command{name: "gallery bench", summary: "Measure issue 7's figures on a synthetic gallery (built once, then reused).",
		usage: "[-faces N] [-dir DIR] [-probes N] [-nprobe N] [-shortlist N] [-rerank N]"}
	fs := newFlags(env, c)
	faces := newIntFlag(fs, "faces", "N", 100000, numberRange[int]{Min: 1, Max: maxGalleryFaces}, "gallery size")
	dir := fs.String("dir", os.TempDir(), "folder for the synthetic gallery file, kept for later runs")
	nprobes := newIntFlag(fs, "probes", "N", 200, numberRange[int]{Min: 1, Max: 1000000}, "probes searched (3 in 4 new photos of enrolled people, 1 in 4 strangers)")
	nprobe := newIntFlag(fs, "nprobe", "N", 0, numberRange[int]{Min: 0, Max: 1 << 20}, "lists scanned per search (0: default)")
	shortlist := newIntFlag(fs, "shortlist", "N", 0, numberRange[int]{Min: 0, Max: 1 << 24}, "candidates re-scored with int8 codes per search (0: default)")
	rerank := newIntFlag(fs, "rerank", "N", 0, numberRange[int]{Min: 0, Max: 1 << 24}, "candidates re-ranked with float descriptors per search (0: default)")
	memLimit := newFloatFlag(fs, "memlimit-gb", "GB", 0, numberRange[float64]{Min: 0, Max: 1 << 14}, "Go memory limit in GB, as GOMEMLIMIT sets it (0: the runtime's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *memLimit > 0 {
		debug.SetMemoryLimit(int64(*memLimit * (1 << 30)))
	}
	b := galleryBenchRun{faces: *faces, path: filepath.Join(*dir, fmt.Sprintf("facecase-synthetic-%d.gallery", *faces))}
	var err error
	if b.build, err = ensureSyntheticGallery(ctx, env, b.path, *faces); err != nil {
		return err
	}
	runtime.GC()
	debug.FreeOSMemory() // what the build freed goes back before measuring
	t0 := time.Now()
	g, err := gallery.OpenReadOnly(b.path, gallery.Options{NProbe: *nprobe, Shortlist: *shortlist, Rerank: *rerank})
	if err != nil {
		return err
	}
	defer g.Close()
	b.load = time.Since(t0)
	b.memLoaded, _ = gallery.ProcessMemory()
	if b.fig, err = gallery.MeasureSearch(ctx, g, benchProbes(*nprobes, g.Len()), 50); err != nil {
		return err
	}
	b.memAfter, _ = gallery.ProcessMemory()
	b.st = g.Stats()
	return b.print(env.stdout)
}

// ensureSyntheticGallery builds the synthetic gallery of n faces at path
// unless it is there from an earlier run (build is then 0), and upgrades
// it if an older version made it.
func ensureSyntheticGallery(ctx context.Context, env *cliEnv, path string, n int) (build time.Duration, err error) {
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(env.stderr, "building %s\n", path)
		t0 := time.Now()
		if err := buildSyntheticGallery(ctx, env, path, n); err != nil {
			os.Remove(path)
			return 0, err
		}
		build = time.Since(t0)
	}
	return build, upgradeGallery(ctx, env, path)
}

// galleryBenchRun is what one gallery bench measured.
type galleryBenchRun struct {
	faces               int    // asked for: picks issue 7's targets
	path                string // the synthetic gallery
	build, load         time.Duration
	memLoaded, memAfter gallery.Memory
	fig                 gallery.SearchFigures
	st                  gallery.Stats
}

// print writes the figures as a table beside issue 7's targets.
func (b *galleryBenchRun) print(w io.Writer) error {
	var buildTarget, loadTarget, memTarget, latTarget, exactTarget string
	switch b.faces {
	case 10_000_000:
		buildTarget, loadTarget, memTarget, latTarget = "<= 10 min", "<= 20 s", "<= 2 GB", "<= 20 / 50 ms"
	case 1_000_000:
		loadTarget, exactTarget = "<= 2 s", "<= 40 ms"
	}
	buildText := "reused " + filepath.Base(b.path)
	if b.build > 0 {
		buildText = fmt.Sprintf("%.1f s (%s)", b.build.Seconds(), b.build.Round(time.Second))
	}
	st, fig := b.st, b.fig
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "figure\ttarget\tmeasured\n")
	codes := "int8 codes in memory"
	if !st.ResidentCodes {
		codes = "int8 codes in the file"
	}
	fmt.Fprintf(tw, "faces\t\t%d (%d lists, nprobe %d, shortlist %d, rerank %d, %s, %s kernels, %d cores)\n",
		st.Faces, st.Lists, st.NProbe, st.Shortlist, st.Rerank, codes, st.Kernels, runtime.GOMAXPROCS(0))
	if lim := debug.SetMemoryLimit(-1); lim < math.MaxInt64 {
		fmt.Fprintf(tw, "Go memory limit\t\t%s\n", gb(lim))
	}
	fmt.Fprintf(tw, "import + index build\t%s\t%s\n", buildTarget, buildText)
	fmt.Fprintf(tw, "load\t%s\t%.2f s\n", loadTarget, b.load.Seconds())
	fmt.Fprintf(tw, "resident memory after load\t%s\t%s (of which mapped file %s)\n", memTarget, gb(b.memLoaded.RSS), gb(b.memLoaded.RSSFile))
	fmt.Fprintf(tw, "resident memory after searches\t%s\t%s (peak of the process %s)\n", memTarget, gb(b.memAfter.RSS), gb(b.memAfter.Peak))
	fmt.Fprintf(tw, "top-50 search p50 / p99\t%s\t%.1f / %.1f ms\n", latTarget, ms(fig.P50), ms(fig.P99))
	fmt.Fprintf(tw, "top-50 search processor time\t\t%.1f ms per search, all threads\n", ms(fig.CPU))
	if l, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(tw, "machine load average\t\t%s\n", strings.Join(strings.Fields(string(l))[:3], " "))
	}
	fmt.Fprintf(tw, "recall@50 against exact\t>= 0.99\t%.4f (%d probes)\n", fig.Recall, fig.Probes)
	fmt.Fprintf(tw, "exact top-50 search p50 / p99\t%s\t%.1f / %.1f ms\n", exactTarget, ms(fig.ExactP50), ms(fig.ExactP99))
	return tw.Flush()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func gb(b int64) string { return fmt.Sprintf("%.2f GB", float64(b)/(1<<30)) }

// buildSyntheticGallery imports n synthetic faces into a new gallery file
// and indexes it; the file appears under its name only when complete.
func buildSyntheticGallery(ctx context.Context, env *cliEnv, path string, n int) error {
	part := path + ".part"
	os.Remove(part)
	rep, finish := cliProgress(env, false)
	defer finish()
	g, err := gallery.Open(part, gallery.Options{ManualRebuild: true, Progress: rep})
	if err != nil {
		return err
	}
	if _, err := importFaces(ctx, g, newSyntheticSource(synthdesc.DefaultSeed, n, 0), rep); err != nil {
		g.Close()
		return err
	}
	if err := g.Rebuild(ctx); err != nil {
		g.Close()
		return err
	}
	if err := g.Close(); err != nil {
		return err
	}
	return os.Rename(part, path)
}

// benchProbes are new photos of enrolled identities (three in four) and of
// strangers, as an investigator's searches would be.
func benchProbes(n, faces int) []facedata.Descriptor {
	gen := synthdesc.New(synthdesc.Config{Seed: synthdesc.DefaultSeed})
	ids := max(1, faces/gen.ImagesPerIdentity())
	out := make([]facedata.Descriptor, n)
	for i := range out {
		if i%4 == 3 {
			out[i] = gen.Stranger(i)
		} else {
			out[i] = gen.Probe((i*7919)%ids, i)
		}
	}
	return out
}
