package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"facecase/internal/fsutil"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// expandScanArgs lists the sources: files, folders (their files, sorted,
// hidden ones left out), camera indices and URLs as given. fromFolder
// marks files found in folders, which are skipped quietly when they are
// not media.
func expandScanArgs(args []string) (sources []string, fromFolder map[string]bool, err error) {
	fromFolder = map[string]bool{}
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil || !st.IsDir() {
			sources = append(sources, a) // Open explains what is wrong
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != a {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("list %s: %w", fsutil.ShowPath(a), err)
		}
		if len(found) == 0 {
			return nil, nil, fmt.Errorf("no files in folder %s", fsutil.ShowPath(a))
		}
		sort.Strings(found)
		for _, p := range found {
			fromFolder[p] = true
		}
		sources = append(sources, found...)
	}
	return sources, fromFolder, nil
}
