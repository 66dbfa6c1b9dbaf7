package casefile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facecase/media"
)

// TestImportedReviewCopyVerifies is issue 16 I: a freshly imported,
// untouched bundle failed verify ("evidence 1: file missing") because
// import copied no media. The redacted copies a bundle carries are now
// imported with the case and checked; the originals, which no bundle
// carries, are reported as not included, not as missing.
func TestImportedReviewCopyVerifies(t *testing.T) {
	fx := newExportFixture(t, 3)
	other := writeTestFile(t, t.TempDir(), "statement.txt", []byte("witness statement"))
	if _, err := fx.c.AddEvidence(context.Background(), other, AddOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, withMedia := range []bool{true, false} {
		dir := t.TempDir() // another machine: nothing of the original case here
		out := filepath.Join(dir, "bundle.zip")
		if _, err := Export(ctx, fx.c, out, ExportOptions{Media: withMedia, Redactor: media.RedactPhoto}, nil); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dir, "review"+Extension)
		c, err := ImportBundle(ctx, out, target, "DI Osei", nil)
		if err != nil {
			t.Fatal(err)
		}
		photo := c.EvidenceCheckFor(fx.ev.ID)
		c.Close()
		rep, err := Verify(ctx, target, VerifyOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("media %v: fresh review copy: %v %v", withMedia, err, rep.Problems)
		}
		states := map[uint64]EvidenceState{}
		for _, ch := range rep.Evidence {
			states[ch.EvidenceID] = ch.State
		}
		wantPhoto := EvidenceNotIncluded
		if withMedia {
			wantPhoto = EvidenceOK
			if photo.State != EvidenceOK || !strings.HasPrefix(photo.Path, MediaDirFor(target)+string(filepath.Separator)) {
				t.Fatalf("the photo's redacted copy: %+v", photo)
			}
		}
		if states[fx.ev.ID] != wantPhoto || states[2] != EvidenceNotIncluded {
			t.Fatalf("media %v: evidence states %v", withMedia, states)
		}
		if !withMedia {
			continue
		}
		// A changed copy is named.
		os.Chmod(photo.Path, 0o600)
		if err := os.WriteFile(photo.Path, []byte("not the photo"), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err = Verify(ctx, target, VerifyOptions{})
		if err != nil || rep.OK() || !strings.HasPrefix(rep.Problems[0].Where, "evidence 1") {
			t.Fatalf("changed copy: %v %v", err, rep.Problems)
		}
	}
}
