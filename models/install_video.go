package models

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"facecase/internal/fsutil"
)

// VideoNames lists the installed file names of the manifest's videos, in a
// stable order ("vtest.avi").
func (v Videos) VideoNames() []string {
	var names []string
	for p := range v.Files {
		names = append(names, filepath.Base(p))
	}
	sort.Strings(names)
	return names
}

// installVideos puts the manifest's videos into opts.Dir/samples: the
// Debian package is fetched with `apt-get download` into the cache (not
// installed), checked against its pinned SHA-256, and only the videos are
// read out of it with `dpkg-deb --fsys-tarfile`. Videos already installed
// with their pinned hash are kept.
func installVideos(ctx context.Context, man *Manifest, opts InstallOptions, logf func(string, ...any)) error {
	v := man.Videos
	if len(v.Files) == 0 {
		return nil
	}
	dir := filepath.Join(opts.Dir, "samples")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("install videos: %w", err)
	}
	missing := map[string]string{} // path in package -> installed path
	for p, sum := range v.Files {
		dst := filepath.Join(dir, filepath.Base(p))
		if h, err := fsutil.SHA256File(dst); err == nil && h == sum {
			continue
		}
		missing[p] = dst
	}
	if len(missing) == 0 {
		logf("ok      %-20s %s (%d videos)", "videos", dir, len(v.Files))
		return nil
	}
	src, err := man.Source(v.Source)
	if err != nil {
		return err
	}
	deb, err := fetchDebian(ctx, src, opts, logf)
	if err != nil {
		return err
	}
	got, err := debianFiles(ctx, deb, missing)
	if err != nil {
		return fmt.Errorf("install videos from %s: %w", src.Tarball, err)
	}
	for p, dst := range missing {
		b, ok := got[p]
		if !ok {
			return fmt.Errorf("install videos: package %s has no file %s", src.Package, p)
		}
		if h := hashBytes(b); h != v.Files[p] {
			return fmt.Errorf("install videos: %w: %s has %s, manifest pins %s", ErrHashMismatch, p, h, v.Files[p])
		}
		if err := fsutil.WriteFileAtomic(dst, b, 0o644); err != nil {
			return err
		}
		logf("install %-20s %s (%d bytes, from Debian %s)", "video", dst, len(b), src.Package)
	}
	return nil
}

// fetchDebian returns the path of a debian-archive source's .deb in the
// cache, fetched with `apt-get download` when it is absent, checked
// against the pinned SHA-256.
func fetchDebian(ctx context.Context, src Source, opts InstallOptions, logf func(string, ...any)) (string, error) {
	if src.Kind != "debian-archive" {
		return "", fmt.Errorf("source %s is a %s package, not a Debian archive", src.ID, src.Kind)
	}
	path := filepath.Join(opts.CacheDir, src.Tarball)
	if h, err := fsutil.SHA256File(path); err == nil && h == src.SHA256 {
		return path, nil
	}
	if opts.Offline {
		return "", fmt.Errorf("%s %s is not in %s and fetching is off", src.Package, src.Version, opts.CacheDir)
	}
	if err := os.MkdirAll(opts.CacheDir, 0o755); err != nil {
		return "", fmt.Errorf("model cache: %w", err)
	}
	logf("fetch   %s %s with apt-get download", src.Package, src.Version)
	cmd := exec.CommandContext(ctx, "apt-get", "download", "-q", src.Package+"="+src.Version)
	cmd.Dir = opts.CacheDir
	var stderr bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, io.Discard
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("apt-get download %s=%s: %v: %s (if the package is unknown, run apt-get update first)",
			src.Package, src.Version, err, bytes.TrimSpace(stderr.Bytes()))
	}
	h, err := fsutil.SHA256File(path)
	if err != nil {
		return "", fmt.Errorf("apt-get download %s=%s: %w", src.Package, src.Version, err)
	}
	if h != src.SHA256 {
		return "", fmt.Errorf("%w: %s has %s, manifest pins %s", ErrHashMismatch, src.Tarball, h, src.SHA256)
	}
	return path, nil
}

// debianFiles reads the wanted regular files (paths as the package's data
// archive names them, "./usr/...") out of a .deb without installing it.
func debianFiles(ctx context.Context, deb string, want map[string]string) (map[string][]byte, error) {
	cmd := exec.CommandContext(ctx, "dpkg-deb", "--fsys-tarfile", deb)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// dpkg-deb runs its decompressor as a child that holds the pipes open:
	// both go in a process group of their own, stopped together once the
	// wanted files are read, and Wait gives up on the pipes soon after.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("dpkg-deb: %w", err)
	}
	got := map[string][]byte{}
	tr := tar.NewReader(out)
	var readErr error
	for len(got) < len(want) {
		hdr, err := tr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		if _, ok := want[hdr.Name]; !ok || hdr.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 1<<30))
		if err != nil {
			readErr = err
			break
		}
		got[hdr.Name] = b
	}
	// The rest of the archive is not needed: stop dpkg-deb and its child.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
	if readErr != nil {
		return nil, fmt.Errorf("dpkg-deb --fsys-tarfile: %w: %s", readErr, bytes.TrimSpace(stderr.Bytes()))
	}
	return got, nil
}

// LocateVideo returns the path of an installed video by file name
// ("vtest.avi"). When it is missing the error says how to install it.
func LocateVideo(name string) (string, error) {
	var searched []string
	for _, d := range SearchPath() {
		p := filepath.Join(d, "samples", name)
		searched = append(searched, p)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: video %s is not installed; looked in %v; install it with: %s",
		ErrModelMissing, name, searched, VideoInstallCommand)
}

// VideoInstallCommand is what a user runs to install the videos.
const VideoInstallCommand = "make models (or: facecase-cli models install --videos)"
