package models

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"facecase/internal/fsutil"
)

// TestInstallVideoFromCachedPackage takes vtest.avi out of the cached
// opencv-doc package (make models fetches it) into a fresh folder.
func TestInstallVideoFromCachedPackage(t *testing.T) {
	man, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	src, err := man.Source(man.Videos.Source)
	if err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join("cache")
	if _, err := fsutil.SHA256File(filepath.Join(cache, src.Tarball)); err != nil {
		t.Fatalf("%s is not in models/cache (fetch it with: %s): %v", src.Tarball, VideoInstallCommand, err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	opts := InstallOptions{CacheDir: cache, Dir: dir, Offline: true, Videos: true}
	if err := installVideos(ctx, man, opts, t.Logf); err != nil {
		t.Fatal(err)
	}
	for p, sum := range man.Videos.Files {
		h, err := fsutil.SHA256File(filepath.Join(dir, "samples", filepath.Base(p)))
		if err != nil || h != sum {
			t.Fatalf("%s: installed hash %s (%v), want %s", p, h, err, sum)
		}
	}
}
