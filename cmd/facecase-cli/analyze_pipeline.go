package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"facecase/facedata"
	"facecase/internal/cmalloc"
	"facecase/internal/fsutil"
	"facecase/media"
	"facecase/progress"
	"facecase/recognition"
)

// analyzeResult is the outcome for one image file.
type analyzeResult struct {
	File          string
	Width, Height int
	Faces         []facedata.Face
	Elapsed       time.Duration
	Err           error
}

// analyzeFiles decodes and analyses files with jobs workers and hands the
// results to emit in input order. A file that fails is reported through its
// result, not as an error; an error from emit or a cancelled ctx stops the run.
func analyzeFiles(ctx context.Context, engine *recognition.Engine, files []string, jobs int, rep progress.Reporter, emit func(analyzeResult) error) error {
	if jobs < 1 {
		jobs = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	results := make(chan indexedResult, jobs)
	go func() {
		defer close(results)
		var g errgroup.Group
		g.SetLimit(jobs)
		for i := range files {
			if ctx.Err() != nil {
				break
			}
			g.Go(func() error {
				r := analyzeFile(ctx, engine, files[i])
				select {
				case results <- indexedResult{i, r}:
				case <-ctx.Done():
				}
				return nil
			})
		}
		g.Wait()
	}()
	// Every analysis has returned before analyzeFiles does: the engine is
	// the caller's to close.
	defer func() {
		cancel()
		for range results {
		}
	}()

	start := time.Now()
	pending := map[int]analyzeResult{}
	want := 0
	for ir := range results {
		pending[ir.i] = ir.r
		for {
			r, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			want++
			if err := emit(r); err != nil {
				return err
			}
			rep.Report(progress.Update{Stage: "analyze", Done: int64(want), Total: int64(len(files)), Unit: "images", Item: r.File, Elapsed: time.Since(start)})
		}
	}
	if want < len(files) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fmt.Errorf("analysed %d of %d files", want, len(files))
	}
	return nil
}

type indexedResult struct {
	i int
	r analyzeResult
}

func analyzeFile(ctx context.Context, engine *recognition.Engine, path string) analyzeResult {
	t := time.Now()
	r := analyzeResult{File: path}
	img, err := media.LoadImage(path)
	if err != nil {
		r.Err = err
		return r
	}
	r.Width, r.Height = img.Cols(), img.Rows()
	r.Faces, r.Err = engine.Analyze(ctx, img)
	img.Close()
	// The photo's frame and the engine's temporaries are free now, but
	// the C allocator would keep their pages: hand them back before the
	// next photo (about 80 MB less at the peak over the six demo photos,
	// docs/benchmarks.md, "Memory"; the call took 1-25 ms a photo on a
	// busy machine).
	cmalloc.Trim()
	r.Elapsed = time.Since(t)
	return r
}

// imageExtensions are the file name endings searched for in folders.
var imageExtensions = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".bmp": true, ".tif": true, ".tiff": true, ".webp": true}

// expandImageArgs replaces each folder argument by the image files under it
// (recursively, sorted); file arguments are kept as given, whatever their name.
func expandImageArgs(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && imageExtensions[strings.ToLower(filepath.Ext(p))] {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", fsutil.ShowPath(a), err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("no images in folder %s", fsutil.ShowPath(a))
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
