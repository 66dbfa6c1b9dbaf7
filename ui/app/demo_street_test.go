package app

import (
	"os"
	"path/filepath"
	"testing"

	"facecase/casefile"
)

// TestDemoHasStreetVideoLooksInAMadeDemo: once the demo case exists, the
// start window describes what it holds, not what is installed now.
func TestDemoHasStreetVideoLooksInAMadeDemo(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	a := &App{}
	media := casefile.MediaDirFor(DemoCasePath())
	if err := os.MkdirAll(media, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(DemoCasePath(), []byte("stand-in"), 0o644); err != nil {
		t.Fatal(err)
	}
	if a.DemoHasStreetVideo() {
		t.Fatal("a demo case without a copy of the street video said to hold it")
	}
	if err := os.WriteFile(filepath.Join(media, "45cddc9490be6934_"+demoStreetVideo), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if !a.DemoHasStreetVideo() {
		t.Fatal("a demo case with a copy of the street video said not to hold it")
	}
}
