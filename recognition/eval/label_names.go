package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"facecase/internal/fsutil"
)

// ErrLabelNames is returned for a value-name file that cannot be used.
var ErrLabelNames = errors.New("bad value-name file")

// LabelNames maps coded label values to the names shown in reports, per
// field: LabelNames["sex"]["f"] = "female".
type LabelNames map[string]map[string]string

// ReadLabelNames reads a value-name file: CSV rows "field,value,name", an
// optional header row "field,value,name", lines starting with # ignored.
func ReadLabelNames(path string) (LabelNames, error) {
	f, err := fsutil.OpenRegular(path) // a pipe would block, a device never ends
	if err != nil {
		return nil, fmt.Errorf("read value names: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	names := LabelNames{}
	for row := 0; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read value names %s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) != 3 {
			return nil, fmt.Errorf("read value names %s: line %d: %w: want field,value,name, got %d fields", path, line, ErrLabelNames, len(rec))
		}
		field, value, name := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if row == 0 && strings.EqualFold(field, "field") && strings.EqualFold(value, "value") {
			continue
		}
		if field == "" || value == "" || name == "" {
			return nil, fmt.Errorf("read value names %s: line %d: %w: blank field, value or name", path, line, ErrLabelNames)
		}
		if names[field] == nil {
			names[field] = map[string]string{}
		}
		if old, dup := names[field][value]; dup && old != name {
			return nil, fmt.Errorf("read value names %s: line %d: %w: %s=%s is named both %q and %q", path, line, ErrLabelNames, field, value, old, name)
		}
		names[field][value] = name
	}
	return names, nil
}

// name maps a value of field; ok is false when the field has names but not
// for this value. A field without names keeps its raw values.
func (n LabelNames) name(field, value string) (string, bool) {
	m, has := n[field]
	if !has {
		return value, true
	}
	v, ok := m[value]
	return v, ok
}
