package eval

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func samplesOf(d *Dataset) []string {
	var out []string
	for _, s := range d.Samples {
		out = append(out, s.Identity+":"+s.Rel+":"+strings.Join(s.Groups, "/"))
	}
	return out
}

func TestReadFolders(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root,
		"bob/2.jpg", "bob/1.JPG", "bob/session2/3.png", "bob/notes.txt", "bob/.DS_Store",
		"alice/a.png", "loose.jpg", "README.md", ".hidden/x.jpg")
	if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := ReadFolders(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alice:alice/a.png:", "bob:bob/1.JPG:", "bob:bob/2.jpg:", "bob:bob/session2/3.png:"}
	if got := samplesOf(d); !reflect.DeepEqual(got, want) {
		t.Errorf("samples = %q, want %q", got, want)
	}
	for reason, n := range map[SkipReason]int{SkipOutsideIdentity: 1, SkipNotImage: 1, SkipEmptyFolder: 1, SkipSingleImage: 1} {
		if got := d.Skipped.Count(reason); got != n {
			t.Errorf("skipped %q = %d, want %d (%s)", reason, got, n, d.Skipped.Summary())
		}
	}
}

func TestReadFoldersEmpty(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "nobody"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFolders(root)
	if !errors.Is(err, ErrEmptyDataset) || !strings.Contains(err.Error(), "1 empty identity folder") {
		t.Errorf("empty dataset: err = %v, want ErrEmptyDataset naming the empty folder", err)
	}
	_, err = ReadFolders(filepath.Join(root, "absent"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "absent") {
		t.Errorf("missing folder: err = %v", err)
	}
}

func TestReadManifest(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, "img/a1.jpg", "img/a2.jpg", "img/b1.jpg", "img/b2.jpg")
	abs := filepath.Join(dir, "img", "b2.jpg")
	p := manifest(t, dir,
		"\ufeffPath,Identity,sex,age",
		"img/a1.jpg,alice,f,30-39",
		"img/a2.jpg,alice,f,",
		"img/b1.jpg,bob,m,40-49",
		abs+",bob,m,40-49",
		"img/b1.jpg,bob,m,40-49", // duplicate
		"img/missing.jpg,carol,f,20-29",
		"img/a1.jpg,alice,f", // wrong field count
		",dave,m,20-29",      // blank path
		`"unterminated,x,y,z`)
	d, err := ReadManifest(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.GroupColumns, []string{"sex", "age"}) {
		t.Errorf("group columns = %q", d.GroupColumns)
	}
	want := []string{"alice:img/a1.jpg:f/30-39", "alice:img/a2.jpg:f/" + UnlabelledGroup, "bob:img/b1.jpg:m/40-49", "bob:img/b2.jpg:m/40-49"}
	if got := samplesOf(d); !reflect.DeepEqual(got, want) {
		t.Errorf("samples = %q, want %q", got, want)
	}
	for reason, n := range map[SkipReason]int{SkipDuplicate: 1, SkipMissingFile: 1, SkipBadRow: 3} {
		if got := d.Skipped.Count(reason); got != n {
			t.Errorf("skipped %q = %d, want %d (%s)", reason, got, n, d.Skipped.Summary())
		}
	}

	d, err = ReadManifest(p, []string{"age"})
	if err != nil || !reflect.DeepEqual(d.GroupColumns, []string{"age"}) || d.Samples[0].Groups[0] != "30-39" {
		t.Errorf("--groups age: %v, %+v", err, d)
	}
}

func TestReadManifestSemicolons(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, "a.jpg", "b.jpg")
	d, err := ReadManifest(manifest(t, dir, "file;person;skin", "a.jpg;x;I", "b.jpg;x;II"), nil)
	if err != nil || len(d.Samples) != 2 || d.Samples[1].Groups[0] != "II" {
		t.Fatalf("semicolon manifest: %v, %+v", err, d)
	}
}

func TestReadManifestWrongColumns(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, "a.jpg")
	for _, c := range []struct {
		lines  []string
		groups []string
		want   string
	}{
		{[]string{"image_file,name", "a.jpg,x"}, nil, `"image_file", "name"`},
		{[]string{"path,sex", "a.jpg,f"}, nil, `"identity"`},
		{[]string{"path,identity,sex", "a.jpg,x,f"}, []string{"ethnicity"}, `no group column "ethnicity"`},
		{[]string{"path,identity,sex,Sex", "a.jpg,x,f,f"}, nil, "appears twice"},
		{[]string{""}, nil, "empty"},
	} {
		_, err := ReadManifest(manifest(t, dir, c.lines...), c.groups)
		if !errors.Is(err, ErrManifestColumns) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("manifest %q: err = %v, want ErrManifestColumns mentioning %s", c.lines, err, c.want)
		}
	}
	_, err := ReadManifest(filepath.Join(dir, "nope.csv"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing manifest: %v", err)
	}
	_, err = ReadManifest(manifest(t, dir, "path,identity", "gone.jpg,x"), nil)
	if !errors.Is(err, ErrEmptyDataset) || !strings.Contains(err.Error(), "1 missing file") {
		t.Errorf("manifest of missing files: %v", err)
	}
}

func TestReadPairs(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "Ann/Ann_0001.jpg", "Ann/Ann_0002.jpg", "Bo/Bo_0001.jpg", "Bo/Bo_0002.jpg", "Cy/Cy_0001.jpg")
	pairs := filepath.Join(root, "pairs.txt")
	writeText(t, pairs, strings.Join([]string{
		"2\t1",
		"Ann\t1\t2",     // fold 1 matched
		"Ann\t1\tBo\t1", // fold 1 mismatched
		"Bo\t1\t2",      // fold 2 matched
		"Bo\t2\tCy\t1",  // fold 2 mismatched
	}, "\n")+"\n")
	d, err := ReadPairs(pairs, root)
	if err != nil {
		t.Fatal(err)
	}
	if d.Folds != 2 || len(d.Pairs) != 4 || len(d.Samples) != 5 {
		t.Fatalf("folds %d, pairs %d, samples %d; want 2, 4, 5", d.Folds, len(d.Pairs), len(d.Samples))
	}
	for i, want := range []struct {
		a, b  string
		mated bool
		fold  int
	}{{"Ann/Ann_0001.jpg", "Ann/Ann_0002.jpg", true, 0}, {"Ann/Ann_0001.jpg", "Bo/Bo_0001.jpg", false, 0},
		{"Bo/Bo_0001.jpg", "Bo/Bo_0002.jpg", true, 1}, {"Bo/Bo_0002.jpg", "Cy/Cy_0001.jpg", false, 1}} {
		p := d.Pairs[i]
		if d.Samples[p.A].Rel != want.a || d.Samples[p.B].Rel != want.b || p.Mated != want.mated || p.Fold != want.fold {
			t.Errorf("pair %d = %s %s %v fold %d, want %+v", i, d.Samples[p.A].Rel, d.Samples[p.B].Rel, p.Mated, p.Fold, want)
		}
	}
}

func TestReadPairsDamaged(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "Ann/Ann_0001.jpg", "Ann/Ann_0002.jpg", "Bo/Bo_0001.jpg")
	pairs := filepath.Join(root, "pairs.txt")
	writeText(t, pairs, "10 300\nAnn 1 2\nAnn 1 3\nAnn 1 Bo 1\nAnn x 2\nAnn 1 Ann 2\nthree words here extra\n")
	d, err := ReadPairs(pairs, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pairs) != 2 || d.Folds != 1 {
		t.Errorf("pairs %d folds %d; want 2 usable pairs and folds dropped (header says 10x300)", len(d.Pairs), d.Folds)
	}
	for reason, n := range map[SkipReason]int{SkipMissingFile: 1, SkipPairMissing: 1, SkipBadPairsLine: 3} {
		if got := d.Skipped.Count(reason); got != n {
			t.Errorf("skipped %q = %d, want %d (%s)", reason, got, n, d.Skipped.Summary())
		}
	}
	writeText(t, pairs, "ten folds\nAnn 1 2\n")
	if _, err := ReadPairs(pairs, root); !errors.Is(err, ErrPairsHeader) {
		t.Errorf("bad header: %v", err)
	}
	writeText(t, pairs, "1 1\nCy 1 2\nCy 1 Dee 1\n")
	if _, err := ReadPairs(pairs, root); !errors.Is(err, ErrEmptyDataset) {
		t.Errorf("no usable pair: %v", err)
	}
}

func TestFilePattern(t *testing.T) {
	p, err := ParseFilePattern("{age}_{sex}_{group}_*.jpg")
	if err != nil {
		t.Fatal(err)
	}
	v, ok := p.Match("someone/30-39_f_3_0001.jpg")
	if !ok || v["age"] != "30-39" || v["sex"] != "f" || v["group"] != "3" {
		t.Errorf("match = %v, %v", v, ok)
	}
	if _, ok := p.Match("someone/30-39_f.jpg"); ok {
		t.Error("a name with too few fields must not match")
	}
	p, err = ParseFilePattern("{identity}/{sex}-?.png")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := p.Match("ann/f-1.png"); !ok || v["identity"] != "ann" || v["sex"] != "f" {
		t.Errorf("path pattern: %v %v", v, ok)
	}
	for _, bad := range []string{"*.jpg", "{age", "age}", "{a b}.jpg", "{x}_{x}.jpg"} {
		if _, err := ParseFilePattern(bad); !errors.Is(err, ErrBadPattern) {
			t.Errorf("pattern %q: err = %v, want ErrBadPattern", bad, err)
		}
	}
}

func TestReadPattern(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root,
		"ann/30-39_f_1.jpg", "ann/30-39_f_2.jpg",
		"bob/40-49_m_1.jpg", "bob/40-49_x_2.jpg", // x is not in the name file
		"bob/holiday.jpg", // does not match
		"50-59_f_1.jpg",   // no identity folder
		"bob/info.txt")
	names := filepath.Join(root, "names.csv")
	writeText(t, names, "field,value,name\n# sexes\nsex,f,female\nsex,m,male\n")
	ln, err := ReadLabelNames(names)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ReadPattern(root, "{age}_{sex}_*.jpg", ln, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ann:ann/30-39_f_1.jpg:30-39/female", "ann:ann/30-39_f_2.jpg:30-39/female", "bob:bob/40-49_m_1.jpg:40-49/male"}
	if got := samplesOf(d); !reflect.DeepEqual(got, want) {
		t.Errorf("samples = %q, want %q", got, want)
	}
	for reason, n := range map[SkipReason]int{SkipUnknownLabel: 1, SkipNoPatternMatch: 1, SkipOutsideIdentity: 1, SkipNotImage: 1, SkipSingleImage: 1} {
		if got := d.Skipped.Count(reason); got != n {
			t.Errorf("skipped %q = %d, want %d (%s)", reason, got, n, d.Skipped.Summary())
		}
	}
	if _, err := ReadPattern(root, "{age}_{sex}_*.jpg", ln, []string{"skin"}); !errors.Is(err, ErrBadPattern) {
		t.Errorf("unknown group field: %v", err)
	}
	if _, err := ReadPattern(root, "{age}_*.jpg", ln, nil); !errors.Is(err, ErrLabelNames) {
		t.Errorf("names for a field the pattern lacks: %v", err)
	}
}

func TestReadLabelNamesErrors(t *testing.T) {
	dir := t.TempDir()
	for _, text := range []string{"sex,f\n", "sex,f,female\nsex,f,woman\n", "sex,,female\n"} {
		p := filepath.Join(dir, "n.csv")
		writeText(t, p, text)
		if _, err := ReadLabelNames(p); !errors.Is(err, ErrLabelNames) {
			t.Errorf("names %q: err = %v, want ErrLabelNames", text, err)
		}
	}
}

func TestTooManyGroups(t *testing.T) {
	dir := t.TempDir()
	lines := []string{"path,identity,age"}
	for i := 0; i <= MaxGroupsPerColumn; i++ {
		name := "img/" + strconv.Itoa(i) + ".jpg"
		writeFiles(t, dir, name)
		lines = append(lines, name+",p"+strconv.Itoa(i)+","+strconv.Itoa(i))
	}
	if _, err := ReadManifest(manifest(t, dir, lines...), nil); !errors.Is(err, ErrTooManyGroups) {
		t.Errorf("err = %v, want ErrTooManyGroups", err)
	}
}
