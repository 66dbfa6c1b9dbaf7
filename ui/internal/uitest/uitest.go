// Package uitest holds what the UI packages' tests share: golden-image
// comparison and a walk over a widget tree. Only tests import it.
package uitest

import (
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/ui/async"
)

// Main runs a UI package's tests with UI updates serialised, as Fyne's
// test driver needs (async.SerialiseForTests): call it from TestMain.
func Main(m *testing.M) {
	async.SerialiseForTests()
	os.Exit(m.Run())
}

// update rewrites the golden images from what the tests render:
//
//	go test ./ui/widgets/ -run Golden -update
var update = flag.Bool("update", false, "rewrite golden images in testdata/")

// AssertGolden compares img with testdata/name (relative to the test's
// package), first writing it there when the test runs with -update.
func AssertGolden(t *testing.T, name string, img image.Image) {
	t.Helper()
	if *update {
		p := filepath.Join("testdata", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	test.AssertImageMatches(t, name, img)
}

// Walk visits o and every object under it, through containers and widget
// renderers.
func Walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	visit(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			Walk(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			Walk(c, visit)
		}
	}
}
