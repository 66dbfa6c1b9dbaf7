package eval

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"facecase/internal/fsutil"
)

// ErrManifestColumns is returned for a manifest without the path and
// identity columns, or without a requested group column.
var ErrManifestColumns = errors.New("manifest columns")

// Column names accepted for the path and identity of a manifest (compared
// without case).
var (
	manifestPathColumns     = []string{"path", "file", "image", "filename"}
	manifestIdentityColumns = []string{"identity", "id", "subject", "person"}
)

// ReadManifest reads a CSV manifest with a header row: a path column, an
// identity column and any number of group columns. Relative paths are taken
// from the manifest's folder. groups selects the group columns (all other
// columns when empty). Rows with the wrong number of fields or a blank path
// or identity, duplicate paths and missing files are skipped and counted.
// A semicolon-separated file is recognised by its header.
func ReadManifest(path string, groups []string) (*Dataset, error) {
	f, err := fsutil.OpenRegular(path) // a pipe would block, a device never ends
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer f.Close()
	r, err := manifestReader(f)
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", path, err)
	}
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("read manifest %s: %w: the file is empty (want a header row with path, identity and group columns)", path, ErrManifestColumns)
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", path, err)
	}
	cols, err := manifestLayout(header, groups)
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", path, err)
	}
	d := &Dataset{Source: path, Kind: KindManifest, Skipped: NewSkipped(), GroupColumns: cols.groupNames}
	rows := manifestRows{d: d, base: filepath.Dir(path), fields: len(header), cols: cols, seen: map[string]bool{}}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err != csv.ErrFieldCount {
				d.Skipped.Add(SkipBadRow, fmt.Sprintf("line %d: %v", pe.Line, pe.Err))
				continue
			}
			return nil, fmt.Errorf("read manifest %s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		rows.add(rec, line)
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return d, nil
}

// manifestReader reads the CSV records of a manifest: a byte order mark
// is skipped, and a header with semicolons but no commas makes the file
// semicolon-separated.
func manifestReader(f io.Reader) (*csv.Reader, error) {
	br := bufio.NewReader(f)
	head, _ := br.Peek(4096)
	bom := []byte("\xef\xbb\xbf")
	firstLine, _, _ := bytes.Cut(bytes.TrimPrefix(head, bom), []byte("\n"))
	semicolons := !bytes.Contains(firstLine, []byte(",")) && bytes.Contains(firstLine, []byte(";"))
	if bytes.HasPrefix(head, bom) {
		if _, err := br.Discard(len(bom)); err != nil {
			return nil, err
		}
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	if semicolons {
		r.Comma = ';'
	}
	return r, nil
}

// manifestRows turns a manifest's records into samples of d.
type manifestRows struct {
	d      *Dataset
	base   string // the manifest's folder
	fields int    // in the header
	cols   manifestColumns
	seen   map[string]bool // full paths taken
}

// add takes the record on line line as a sample, or counts it as skipped:
// a blank line is ignored; the wrong number of fields, a blank path or
// identity, a duplicate path or a missing file is skipped.
func (m *manifestRows) add(rec []string, line int) {
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		return // blank line
	}
	if len(rec) != m.fields {
		m.d.Skipped.Add(SkipBadRow, fmt.Sprintf("line %d: %d fields, header has %d", line, len(rec), m.fields))
		return
	}
	p, id := strings.TrimSpace(rec[m.cols.path]), strings.TrimSpace(rec[m.cols.identity])
	if p == "" || id == "" {
		m.d.Skipped.Add(SkipBadRow, fmt.Sprintf("line %d: blank path or identity", line))
		return
	}
	full := p
	if !filepath.IsAbs(full) {
		full = filepath.Join(m.base, filepath.FromSlash(p))
	}
	full = filepath.Clean(full)
	if m.seen[full] {
		m.d.Skipped.Add(SkipDuplicate, p)
		return
	}
	m.seen[full] = true
	if st, err := os.Stat(full); err != nil || st.IsDir() {
		m.d.Skipped.Add(SkipMissingFile, p)
		return
	}
	s := Sample{Path: full, Rel: relPath(m.base, full), Identity: id}
	for _, c := range m.cols.groups {
		s.Groups = append(s.Groups, strings.TrimSpace(rec[c]))
	}
	m.d.Samples = append(m.d.Samples, s)
}

type manifestColumns struct {
	path, identity int
	groups         []int
	groupNames     []string
}

func manifestLayout(header, groups []string) (manifestColumns, error) {
	c := manifestColumns{path: -1, identity: -1}
	index := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if _, dup := index[strings.ToLower(h)]; dup {
			return c, fmt.Errorf("%w: column %q appears twice", ErrManifestColumns, h)
		}
		index[strings.ToLower(h)] = i
	}
	find := func(names []string) int {
		for _, n := range names {
			if i, ok := index[n]; ok {
				return i
			}
		}
		return -1
	}
	c.path, c.identity = find(manifestPathColumns), find(manifestIdentityColumns)
	if c.path < 0 || c.identity < 0 {
		return c, fmt.Errorf("%w: the header has %s; want a %q column and an %q column, then any group columns",
			ErrManifestColumns, quoteList(header), "path", "identity")
	}
	if len(groups) == 0 {
		for i, h := range header {
			if i != c.path && i != c.identity {
				c.groups = append(c.groups, i)
				c.groupNames = append(c.groupNames, h)
			}
		}
		return c, nil
	}
	for _, g := range groups {
		i, ok := index[strings.ToLower(strings.TrimSpace(g))]
		if !ok || i == c.path || i == c.identity {
			return c, fmt.Errorf("%w: no group column %q; the header has %s", ErrManifestColumns, g, quoteList(header))
		}
		c.groups = append(c.groups, i)
		c.groupNames = append(c.groupNames, header[i])
	}
	return c, nil
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
