package eval

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"facecase/internal/testenv"
)

// peopleSex and peopleCast label faceapi/people for the group tests.
var (
	peopleSex  = map[string]string{"amy": "f", "bernadette": "f", "penny": "f", "howard": "m", "leonard": "m", "raj": "m", "sheldon": "m", "stuart": "m"}
	peopleCast = map[string]string{"amy": "later", "bernadette": "later", "stuart": "later", "howard": "original", "leonard": "original", "penny": "original", "raj": "original", "sheldon": "original"}
)

// peopleManifest writes a manifest of faceapi/people (8 identities x 5
// crops) with sex and cast columns, plus damaged entries: a missing file, a
// truncated image, a flat image (no face) and a short row.
func peopleManifest(t *testing.T) string {
	people := testenv.SharedData(t, "faceapi/people")
	dir := t.TempDir()
	lines := []string{"path,identity,sex,cast"}
	for id, sex := range peopleSex {
		files, err := filepath.Glob(filepath.Join(people, id, "*.png"))
		if err != nil || len(files) != 5 {
			t.Fatalf("%s: %d crops (%v), want 5", id, len(files), err)
		}
		for _, f := range files {
			lines = append(lines, f+","+id+","+sex+","+peopleCast[id])
		}
	}
	sort.Strings(lines[1:])
	flat := image.NewGray(image.Rect(0, 0, 150, 150))
	for i := range flat.Pix {
		flat.Pix[i] = 128
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, flat); err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(dir, "flat.png"), buf.String())
	tiny := image.NewGray(image.Rect(0, 0, 150, 150))
	for i := range tiny.Pix {
		tiny.Pix[i] = uint8(i)
	}
	tiny.Set(0, 0, color.Gray{Y: 1})
	buf.Reset()
	if err := png.Encode(&buf, tiny); err != nil {
		t.Fatal(err)
	}
	writeText(t, filepath.Join(dir, "truncated.png"), buf.String()[:buf.Len()/2])
	lines = append(lines,
		"flat.png,extra,m,original",
		"truncated.png,extra,m,original",
		"missing.png,extra,f,later",
		"short-row.png,extra")
	return manifest(t, dir, lines...)
}

// runPeople evaluates the manifest and writes the report into a new folder.
func runPeople(t *testing.T, manifestPath string, emb Embedder, threshold float64, cachePath string) (string, *Result) {
	t.Helper()
	ds, err := ReadManifest(manifestPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Threshold = threshold
	cfg.Bootstrap = 200
	if cachePath != "" {
		cache, err := OpenCache(cachePath)
		if err != nil {
			t.Fatal(err)
		}
		defer cache.Close()
		cfg.Cache = cache
	}
	out := t.TempDir()
	scores, err := os.Create(filepath.Join(out, ScoresFile))
	if err != nil {
		t.Fatal(err)
	}
	defer scores.Close()
	cfg.Scores = scores
	rep := &recordingReporter{}
	cfg.Progress = rep
	r, err := Run(context.Background(), ds, emb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteReport(out, r); err != nil {
		t.Fatal(err)
	}
	for _, stage := range []string{"enrol", "score", "search", "bootstrap"} {
		if rep.stages[stage] == 0 {
			t.Errorf("no progress reported for %s", stage)
		}
	}
	return out, r
}

func TestEndToEndPeople(t *testing.T) {
	checkEndToEnd(t, pixelEmbedder{}, 40, true)
}

// checkEndToEnd runs the lab on faceapi/people with emb and checks the
// report: it exists, survives the damaged entries, is deterministic (also
// from the cache) and says the same in HTML, CSV and JSON. At least
// minEnrolled of the 40 crops must enrol. The checks run at the EER
// threshold, which must give both false matches and false non-matches when
// bothErrors; otherwise at the lowest threshold with a false match.
func checkEndToEnd(t *testing.T, emb Embedder, minEnrolled int, bothErrors bool) {
	m := peopleManifest(t)
	// A first run fills the cache and finds the EER threshold, where
	// errors are most balanced.
	cachePath := filepath.Join(t.TempDir(), "cache.db")
	_, probe := runPeople(t, m, emb, 0.6, cachePath)
	if d := probe.Enrolment.Computed; d != 42 {
		t.Errorf("first run computed %d descriptors, want 42", d)
	}
	v := probe.Summary.Verification
	if v.EERThreshold == nil {
		t.Fatal("no EER: the run produced no mated or no non-mated pairs")
	}
	t.Logf("%s: at 0.6 FMR %s (%d/%d) FNMR %s (%d/%d); EER %.4g at %v",
		emb.ModelID(), v.FMR, v.FMR.Errors, v.FMR.Trials, v.FNMR, v.FNMR.Errors, v.FNMR.Trials, *v.EER, *v.EERThreshold)
	thr := *v.EERThreshold
	if !bothErrors {
		// A model that separates these people perfectly has no error at
		// its EER: check at the lowest threshold with a false match.
		cv, ok, err := probe.Curve(OverallColumn, OverallColumn)
		if err != nil || !ok {
			t.Fatalf("no overall curve: %v", err)
		}
		for k := range cv.Threshold {
			if cv.FMR[k] > 0 {
				thr = cv.Threshold[k]
				break
			}
		}
	}

	out1, r1 := runPeople(t, m, emb, thr, cachePath)
	counting := &countingEmbedder{Embedder: emb}
	out2, r2 := runPeople(t, m, counting, thr, cachePath)
	if n := counting.calls.Load(); n != 1 {
		t.Errorf("cached re-run called the embedder %d times, want 1 (only the truncated file, which is never cached)", n)
	}
	if r2.Enrolment.FromCache != 41 {
		t.Errorf("cached re-run: %d from cache, want 41", r2.Enrolment.FromCache)
	}

	for _, f := range []string{ReportFile, SummaryFile, GroupsFile, SamplesFile, ScoresFile} {
		a, err := os.ReadFile(filepath.Join(out1, f))
		if err != nil {
			t.Fatalf("%s missing: %v", f, err)
		}
		b, _ := os.ReadFile(filepath.Join(out2, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: %d and %d bytes: not the same between two runs of the same data", f, len(a), len(b))
		}
	}

	s := &r1.Summary
	e := s.Enrolment
	if e.Images != 42 || e.Unreadable != 1 || e.Enrolled+e.NoFace+e.Unreadable != 42 || e.Enrolled < minEnrolled || e.NoFace < 1 {
		t.Errorf("enrolment = %+v, want 42 images, at least %d enrolled, the flat image without face, 1 unreadable", e, minEnrolled)
	}
	for reason, n := range map[SkipReason]int{SkipMissingFile: 1, SkipBadRow: 1, SkipNoFace: e.NoFace, SkipUnreadable: 1} {
		if r1.Dataset.Skipped.Count(reason) != n {
			t.Errorf("skipped %q: %d, want %d", reason, r1.Dataset.Skipped.Count(reason), n)
		}
	}
	n := int64(e.Enrolled)
	if s.Verification.MatedPairs+s.Verification.NonMatedPairs != n*(n-1)/2 || s.Verification.MatedPairs < int64(minEnrolled)-8 {
		t.Errorf("pairs: %d mated, %d non-mated, for %d enrolled images", s.Verification.MatedPairs, s.Verification.NonMatedPairs, n)
	}
	if s.Verification.FMR.Errors == 0 || bothErrors && s.Verification.FNMR.Errors == 0 {
		t.Errorf("at threshold %v the checks need errors to compare: FMR %+v FNMR %+v", thr, s.Verification.FMR, s.Verification.FNMR)
	}

	checkJSONMatchesSummary(t, out1, s)
	checkScoresMatchSummary(t, out1, s)
	checkGroupsCSV(t, out1, s)
	checkHTML(t, out1, s)
}

func checkJSONMatchesSummary(t *testing.T, out string, s *Summary) {
	b, err := os.ReadFile(filepath.Join(out, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	orig, _ := json.Marshal(s)
	if !bytes.Equal(again, orig) {
		t.Error("summary.json does not read back to the same summary")
	}
}

// checkScoresMatchSummary recomputes the error counts from scores.csv and
// samples.csv and compares them with the summary.
func checkScoresMatchSummary(t *testing.T, out string, s *Summary) {
	samples := readCSV(t, filepath.Join(out, SamplesFile))
	col := map[string]int{}
	for i, h := range samples[0] {
		col[h] = i
	}
	scores := readCSV(t, filepath.Join(out, ScoresFile))
	if strings.Join(scores[0], ",")+"\n" != ScoresCSVHeader {
		t.Fatalf("scores header %q", scores[0])
	}
	type counts struct{ fm, nm, fnm, m int64 }
	overall := counts{}
	groups := map[string]*counts{}
	for _, row := range scores[1:] {
		a, _ := strconv.Atoi(row[0])
		b, _ := strconv.Atoi(row[1])
		sc, err := strconv.ParseFloat(row[3], 32)
		if err != nil {
			t.Fatal(err)
		}
		sa, sb := samples[a+1], samples[b+1]
		if sa[col["status"]] != string(StatusEnrolled) || sb[col["status"]] != string(StatusEnrolled) {
			t.Fatalf("score row %v refers to an image that was not enrolled", row)
		}
		match := float32(sc) <= float32(s.Threshold)
		mated := row[2] == "1"
		if mated != (sa[col["identity"]] == sb[col["identity"]]) {
			t.Fatalf("row %v: mated flag disagrees with the identities", row)
		}
		add := func(c *counts) {
			if mated {
				c.m++
				if !match {
					c.fnm++
				}
			} else {
				c.nm++
				if match {
					c.fm++
				}
			}
		}
		add(&overall)
		for _, g := range s.Dataset.GroupColumns {
			if va := sa[col[g]]; va == sb[col[g]] {
				k := g + "=" + va
				if groups[k] == nil {
					groups[k] = &counts{}
				}
				add(groups[k])
			}
		}
	}
	enrolled := 0
	for _, row := range samples[1:] {
		if row[col["status"]] == string(StatusEnrolled) {
			enrolled++
		}
	}
	if len(scores)-1 != enrolled*(enrolled-1)/2 {
		t.Errorf("scores.csv has %d rows for %d enrolled images, want every pair", len(scores)-1, enrolled)
	}
	rateIs(t, "FMR from scores.csv", s.Verification.FMR, overall.fm, overall.nm)
	rateIs(t, "FNMR from scores.csv", s.Verification.FNMR, overall.fnm, overall.m)
	for _, c := range s.Groups {
		for _, g := range c.Groups {
			k := c.Column + "=" + g.Group
			got := groups[k]
			if got == nil {
				got = &counts{}
			}
			rateIs(t, k+" FMR from scores.csv", g.FMR, got.fm, got.nm)
			rateIs(t, k+" FNMR from scores.csv", g.FNMR, got.fnm, got.m)
		}
	}
}

func checkGroupsCSV(t *testing.T, out string, s *Summary) {
	rows := readCSV(t, filepath.Join(out, GroupsFile))
	idx := map[string]int{}
	for i, h := range rows[0] {
		idx[h] = i
	}
	byKey := map[string][]string{}
	for _, r := range rows[1:] {
		byKey[r[0]+"="+r[1]] = r
	}
	check := func(key, name string, r Rate) {
		row := byKey[key]
		if row == nil {
			t.Errorf("groups.csv has no row %s", key)
			return
		}
		if row[idx[name]] != r.String() || row[idx[name+"_errors"]] != strconv.FormatInt(r.Errors, 10) || row[idx[name+"_trials"]] != strconv.FormatInt(r.Trials, 10) {
			t.Errorf("groups.csv %s %s = %s (%s/%s), JSON %s (%d/%d)", key, name, row[idx[name]], row[idx[name+"_errors"]], row[idx[name+"_trials"]], r, r.Errors, r.Trials)
		}
	}
	check("all=all", "fmr", s.Verification.FMR)
	check("all=all", "fnmr", s.Verification.FNMR)
	for _, c := range s.Groups {
		for _, g := range c.Groups {
			check(c.Column+"="+g.Group, "fmr", g.FMR)
			check(c.Column+"="+g.Group, "fnmr", g.FNMR)
			check(c.Column+"="+g.Group, "fte", g.FTE)
			if got := byKey[c.Column+"="+g.Group][idx["fmr_ratio"]]; got != g.FMRRatio.String() {
				t.Errorf("groups.csv %s ratio %s, JSON %s", g.Group, got, g.FMRRatio)
			}
		}
	}
}

var htmlRate = regexp.MustCompile(`data-key="([^"]+)" data-errors="(\d+)" data-trials="(\d+)">([^ <]+)`)

func checkHTML(t *testing.T, out string, s *Summary) {
	b, err := os.ReadFile(filepath.Join(out, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	cells := map[string][]string{}
	for _, m := range htmlRate.FindAllStringSubmatch(page, -1) {
		cells[html.UnescapeString(m[1])] = m[2:]
	}
	check := func(key string, r Rate) {
		c := cells[key]
		if c == nil {
			t.Errorf("report.html has no cell %s", key)
			return
		}
		if c[0] != strconv.FormatInt(r.Errors, 10) || c[1] != strconv.FormatInt(r.Trials, 10) || c[2] != r.String() {
			t.Errorf("report.html %s = %s (%s/%s), JSON %s (%d/%d)", key, c[2], c[0], c[1], r, r.Errors, r.Trials)
		}
	}
	check("overall-fmr", s.Verification.FMR)
	check("overall-fnmr", s.Verification.FNMR)
	check("overall-fte", s.Enrolment.FTE)
	check("fpir", s.Identification.FPIR)
	for _, rr := range s.Identification.FNIR {
		check("fnir-"+strconv.Itoa(rr.Rank), rr.FNIR)
	}
	for i, c := range s.Calibration {
		check("calibration-"+strconv.Itoa(i)+"-fmr", c.FMR)
		check("calibration-"+strconv.Itoa(i)+"-fnmr", c.FNMR)
	}
	for _, c := range s.Groups {
		for _, g := range c.Groups {
			k := "group/" + c.Column + "/" + g.Group
			check(k+"-fmr", g.FMR)
			check(k+"-fnmr", g.FNMR)
			check(k+"-fte", g.FTE)
		}
		for _, x := range c.Cross {
			check("cross/"+c.Column+"/"+x.A+"/"+x.B, x.FMR)
		}
	}
	if !strings.Contains(page, `data-key="threshold">`+formatThreshold(s.Threshold)+"<") {
		t.Error("report.html does not show the threshold")
	}
	// Plots: the overall DET, ROC and score plot, and per column a ratio,
	// DET and one score plot per group, all decodable PNGs.
	imgs := regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`).FindAllStringSubmatch(page, -1)
	want := 3
	for _, c := range s.Groups {
		want += 2 + len(c.Groups)
	}
	notDrawn := strings.Count(page, "not drawn (")
	if len(imgs)+notDrawn != want || len(imgs) < 3 {
		t.Errorf("%d plots and %d notes, want %d figures", len(imgs), notDrawn, want)
	}
	for _, m := range imgs {
		data, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width < 300 {
			t.Errorf("plot is not a usable PNG: %v %+v", err, cfg)
		}
	}
	if strings.Contains(regexp.MustCompile(`data:image/png;base64,[^"]+`).ReplaceAllString(page, ""), "NaN") {
		t.Error("report.html shows NaN")
	}
}

func readCSV(t *testing.T, path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// The outputs do not depend on how many workers share the work.
func TestDeterministicAcrossWorkers(t *testing.T) {
	m := peopleManifest(t)
	var outputs [][]byte
	for _, workers := range []int{1, 3} {
		ds, err := ReadManifest(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg := DefaultConfig()
		cfg.Threshold = 1.1
		cfg.Bootstrap = 100
		cfg.Workers = workers
		var scores bytes.Buffer
		cfg.Scores = &scores
		r, err := Run(context.Background(), ds, pixelEmbedder{}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := WriteSummaryJSON(&out, &r.Summary); err != nil {
			t.Fatal(err)
		}
		if err := WriteHTML(&out, r); err != nil {
			t.Fatal(err)
		}
		out.Write(scores.Bytes())
		outputs = append(outputs, out.Bytes())
	}
	if !bytes.Equal(outputs[0], outputs[1]) {
		t.Error("1 and 3 workers give different summaries, reports or score files")
	}
}
