//go:build matprofile

package casefile

import (
	"context"
	"facecase/media"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

// TestExportMatLeak checks that redacting photos for a bundle closes every
// Mat it makes (run with -tags matprofile).
func TestExportMatLeak(t *testing.T) {
	fx := newExportFixture(t, 3)
	before := gocv.MatProfile.Count()
	for i := 0; i < 3; i++ {
		out := filepath.Join(t.TempDir(), "b.zip")
		res, err := Export(context.Background(), fx.c, out, ExportOptions{Media: true, Redactor: media.RedactPhoto}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Members) != 6 {
			t.Fatalf("bundle has %d members, want the media copy too", len(res.Members))
		}
	}
	if after := gocv.MatProfile.Count(); after != before {
		t.Fatalf("%d Mats left open by export", after-before)
	}
}
