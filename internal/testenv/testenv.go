// Package testenv finds the material tests need: the shared data folder that
// sits beside the checkout (../shared/data) and the installed models.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"facecase/models"
)

// RepoRoot is the top folder of the source checkout.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDataDir is ../shared/data beside the checkout, or $FACECASE_SHARED_DATA.
func SharedDataDir() string {
	if d := os.Getenv("FACECASE_SHARED_DATA"); d != "" {
		return d
	}
	return filepath.Join(RepoRoot(), "..", "shared", "data")
}

// SharedData returns the path of rel inside the shared data folder. When it
// is absent the test is skipped with a message naming the folder.
func SharedData(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(SharedDataDir(), rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared test data not available: %s is absent (expected the folder ../shared/data beside the checkout)", p)
	}
	return p
}

// Model returns the path of an installed model. A missing model fails the
// test with the message that says how to install it: `make test` installs
// models first, so a missing one is a broken setup, not a reason to skip.
func Model(tb testing.TB, name string) string {
	tb.Helper()
	p, err := models.Locate(name)
	if err != nil {
		tb.Fatalf("%v", err)
	}
	return p
}

// TestdataDir is the repository's own testdata folder.
func TestdataDir() string { return filepath.Join(RepoRoot(), "testdata") }

func init() {
	// Tests run in their package folder; point the model search path at the
	// checkout's installed models unless the caller chose a folder.
	if os.Getenv("FACECASE_MODELS") == "" {
		os.Setenv("FACECASE_MODELS", filepath.Join(RepoRoot(), "models", "data"))
	}
}

// IsolateUserDirs points the user's cache and config folders
// ($XDG_CACHE_HOME, $XDG_CONFIG_HOME) at a new temporary folder for the
// rest of the test binary, and for the children it starts, so tests never
// touch the user's own: casefile remembers checked cases in the cache
// folder and keeps the receipt signing key in the config folder. Call it
// from TestMain; cleanup removes the folder.
func IsolateUserDirs() (cleanup func(), err error) {
	tmp, err := os.MkdirTemp("", "facecase-test-home-*")
	if err != nil {
		return nil, err
	}
	for env, sub := range map[string]string{"XDG_CACHE_HOME": "cache", "XDG_CONFIG_HOME": "config"} {
		if err := os.Setenv(env, filepath.Join(tmp, sub)); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	return func() { os.RemoveAll(tmp) }, nil
}

// RunIsolated is a TestMain that runs the tests with IsolateUserDirs and
// exits with their code.
func RunIsolated(m *testing.M) {
	cleanup, err := IsolateUserDirs()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
