package eval

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// ReadPattern reads the images below root whose names carry their labels,
// as described by pattern (see FilePattern). The identity is the
// {identity} field, or else the folder holding the file. names maps coded
// values to report names (may be nil). groups selects the group fields (all
// fields but identity when empty). Files that do not match, carry a value
// that names does not list, or lie directly in root without an {identity}
// field are skipped and counted.
func ReadPattern(root, pattern string, names LabelNames, groups []string) (*Dataset, error) {
	p, err := ParseFilePattern(pattern)
	if err != nil {
		return nil, err
	}
	fields := map[string]bool{}
	for _, f := range p.Fields() {
		fields[f] = true
	}
	groupFields, err := patternGroups(p, pattern, names, groups)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Source: root, Kind: KindPattern, Skipped: NewSkipped(), GroupColumns: groupFields}
	err = filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read dataset folder %s: %w", root, err)
		}
		if path == root {
			return nil
		}
		if isHidden(e.Name()) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			return nil
		}
		rel := relPath(root, path)
		if !isImageName(e.Name()) {
			if strings.Contains(rel, "/") {
				d.Skipped.Add(SkipNotImage, rel)
			}
			return nil
		}
		values, ok := p.Match(rel)
		if !ok {
			d.Skipped.Add(SkipNoPatternMatch, rel)
			return nil
		}
		if s, ok := patternSample(d, path, rel, values, fields[IdentityField], groupFields, names); ok {
			d.Samples = append(d.Samples, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return d, nil
}

// patternGroups checks the group fields asked for (all fields of p but
// the identity when none) and the fields names gives names for against
// the fields of p, and returns the group fields.
func patternGroups(p *FilePattern, pattern string, names LabelNames, groups []string) ([]string, error) {
	fields := map[string]bool{}
	var groupFields []string
	for _, f := range p.Fields() {
		fields[f] = true
		if f != IdentityField {
			groupFields = append(groupFields, f)
		}
	}
	if len(groups) > 0 {
		groupFields = nil
		for _, g := range groups {
			g = strings.TrimSpace(g)
			if !fields[g] || g == IdentityField {
				return nil, fmt.Errorf("%w %q: no field {%s} to use as a group", ErrBadPattern, pattern, g)
			}
			groupFields = append(groupFields, g)
		}
	}
	var unknown []string
	for f := range names {
		if !fields[f] {
			unknown = append(unknown, f)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("%w: names are given for %s, which the pattern %q does not have", ErrLabelNames, strings.Join(unknown, ", "), pattern)
	}
	return groupFields, nil
}

// patternSample is the sample of the image at path (rel below the root),
// whose name gave values: its identity is the {identity} field when the
// pattern has one (hasIdentity), else its folder's name. ok is false,
// and the file counted in d.Skipped, for a file directly in the root
// without an {identity} field or with a group value names does not list.
func patternSample(d *Dataset, path, rel string, values map[string]string, hasIdentity bool, groupFields []string, names LabelNames) (s Sample, ok bool) {
	id := values[IdentityField]
	if !hasIdentity {
		dir := filepath.ToSlash(filepath.Dir(rel))
		if dir == "." {
			d.Skipped.Add(SkipOutsideIdentity, rel)
			return Sample{}, false
		}
		id = dir[strings.LastIndexByte(dir, '/')+1:]
	}
	s = Sample{Path: path, Rel: rel, Identity: id}
	for _, g := range groupFields {
		v, ok := names.name(g, values[g])
		if !ok {
			d.Skipped.Add(SkipUnknownLabel, fmt.Sprintf("%s (%s=%s)", rel, g, values[g]))
			return Sample{}, false
		}
		s.Groups = append(s.Groups, v)
	}
	return s, true
}
