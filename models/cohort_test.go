package models_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"facecase/facedata"
	"facecase/internal/testenv"
	"facecase/models"
	"facecase/recognition/scorenorm"
)

// TestShippedCohortMatchesTheManifest: the committed cohort file is the one
// the manifest records, made with the manifest's descriptor model, with its
// provenance and terms recorded.
func TestShippedCohortMatchesTheManifest(t *testing.T) {
	c, err := models.LoadCohort()
	if err != nil {
		t.Fatal(err)
	}
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := m.Cohort
	desc, err := m.Model("descriptor")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID() != e.ID || c.Info().DescriptorModelSHA256 != desc.SHA256 || e.DescriptorSHA256 != desc.SHA256 {
		t.Fatalf("cohort %s made with %s; manifest entry %+v, descriptor %s", c.ID(), c.Info().DescriptorModelSHA256, e, desc.SHA256)
	}
	if e.License == "" || !strings.Contains(e.Attribution, "FairFace") || e.Provenance == "" || e.Data == "" {
		t.Errorf("the manifest entry lacks provenance, licence or attribution: %+v", e)
	}
	if c.Info().Licence != "CC BY 4.0" || !strings.Contains(c.Info().Attribution, "Karkkainen") {
		t.Errorf("the file's own terms: %+v", c.Info())
	}
	if c.K() != scorenorm.DefaultK || c.Size() < 200 {
		t.Errorf("cohort of %d faces, K=%d", c.Size(), c.K())
	}
	// The default operating points are inside the calibrated range.
	for _, fmr := range []float64{scorenorm.DefaultSearchFMR, scorenorm.DefaultVerifyFMR} {
		if _, err := c.Calibration().Threshold(fmr); err != nil {
			t.Errorf("default FMR %g: %v", fmr, err)
		}
	}
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "models", e.File))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	if hex.EncodeToString(sum[:]) != e.SHA256 {
		t.Fatalf("models/%s has SHA-256 %x, the manifest records %s", e.File, sum, e.SHA256)
	}
}

// TestChangedCohortIsRefused: a cohort file whose bytes differ from the
// manifest's record, or one made with another descriptor model, is
// refused with a clear error.
func TestChangedCohortIsRefused(t *testing.T) {
	m, err := models.Load()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "models", m.Cohort.File))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := models.OpenCohort(raw, m); err != nil {
		t.Fatalf("the shipped cohort: %v", err)
	}
	// One descriptor value changed.
	changed := bytes.Clone(raw)
	changed[len(changed)-2] ^= 0x40
	_, err = models.OpenCohort(changed, m)
	if !errors.Is(err, models.ErrCohortChanged) || !strings.Contains(err.Error(), "the manifest records") {
		t.Fatalf("changed cohort: %v", err)
	}
	// A cohort made with another descriptor model, recorded as such in
	// the manifest, still does not match the manifest's descriptor model.
	c, err := scorenorm.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	descs := make([]facedata.Descriptor, c.Size())
	for i := range descs {
		descs[i] = c.Descriptor(i)
	}
	info := c.Info()
	info.DescriptorModelSHA256 = strings.Repeat("0", 64)
	other, err := scorenorm.New(info, descs)
	if err != nil {
		t.Fatal(err)
	}
	otherRaw, err := scorenorm.Encode(other)
	if err != nil {
		t.Fatal(err)
	}
	m2 := *m
	sum := sha256.Sum256(otherRaw)
	m2.Cohort.SHA256, m2.Cohort.DescriptorSHA256 = hex.EncodeToString(sum[:]), info.DescriptorModelSHA256
	_, err = models.OpenCohort(otherRaw, &m2)
	if !errors.Is(err, models.ErrCohortModelMismatch) || !strings.Contains(err.Error(), "make a new cohort") {
		t.Fatalf("cohort of another model: %v", err)
	}
	// And a descriptor model file that is not the one the cohort was made
	// with is refused before the engine uses the pair.
	fake := filepath.Join(t.TempDir(), "dlib_resnet_v1.onnx")
	if err := os.WriteFile(fake, []byte("another model"), 0o644); err != nil {
		t.Fatal(err)
	}
	shipped, err := models.LoadCohort()
	if err != nil {
		t.Fatal(err)
	}
	if err := models.CheckDescriptorModel(shipped, fake); !errors.Is(err, models.ErrCohortModelMismatch) {
		t.Fatalf("another descriptor model file: %v", err)
	}
	if err := models.CheckDescriptorModel(shipped, testenv.Model(t, "descriptor")); err != nil {
		t.Fatalf("the installed descriptor model: %v", err)
	}
}
