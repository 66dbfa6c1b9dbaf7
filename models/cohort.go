package models

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"facecase/internal/fsutil"
	"facecase/recognition/scorenorm"
)

// ErrCohortChanged is returned when the cohort file's bytes are not the
// ones the manifest records (its SHA-256 differs).
var ErrCohortChanged = errors.New("score normalisation cohort file was changed")

// ErrCohortModelMismatch is returned when the cohort was made with another
// descriptor model than the one installed: its statistics would be
// meaningless, so the engine refuses the pair.
var ErrCohortModelMismatch = errors.New("score normalisation cohort does not match the descriptor model")

// cohortFiles holds the cohort files. They are derived data (descriptors,
// never images) and committed: see CohortEntry and the manifest.
//
//go:embed cohort/*.cohort
var cohortFiles embed.FS

// CohortEntry is the manifest's record of the shipped score normalisation
// cohort (see package recognition/scorenorm).
type CohortEntry struct {
	// ID names the cohort and its version; File is its path under models/.
	ID   string `json:"id"`
	File string `json:"file"`
	Role string `json:"role"`
	// DescriptorModel names the model the descriptors come from, and
	// DescriptorSHA256 pins that model's installed file.
	DescriptorModel  string `json:"descriptor_model"`
	DescriptorSHA256 string `json:"descriptor_sha256"`
	// Data, Provenance, License and Attribution say what the descriptors
	// were made from, how, and on which terms they are shipped.
	Data        string `json:"data"`
	Provenance  string `json:"provenance"`
	License     string `json:"license"`
	Attribution string `json:"attribution"`
	// SHA256 of the cohort file.
	SHA256 string `json:"sha256"`
}

var (
	cohortOnce sync.Once
	cohort     *scorenorm.Cohort
	cohortErr  error
)

// LoadCohort returns the shipped cohort, checked against the manifest: the
// file's SHA-256, and the descriptor model it was made with, which must be
// the manifest's descriptor model. It is read once per process.
// CheckDescriptorModel then ties it to the installed model file.
func LoadCohort() (*scorenorm.Cohort, error) {
	cohortOnce.Do(func() {
		var m *Manifest
		if m, cohortErr = Load(); cohortErr != nil {
			return
		}
		raw, err := cohortFiles.ReadFile(m.Cohort.File)
		if err != nil {
			cohortErr = fmt.Errorf("score normalisation cohort %s: %w", m.Cohort.File, err)
			return
		}
		cohort, cohortErr = OpenCohort(raw, m)
	})
	return cohort, cohortErr
}

// OpenCohort decodes a cohort file and checks it against the manifest's
// cohort entry: the bytes' SHA-256 (ErrCohortChanged), and the descriptor
// model the file says it was made with, which must be the entry's and the
// manifest's descriptor model (ErrCohortModelMismatch).
func OpenCohort(raw []byte, m *Manifest) (*scorenorm.Cohort, error) {
	e := m.Cohort
	sum := sha256.Sum256(raw)
	if got := hex.EncodeToString(sum[:]); got != e.SHA256 {
		return nil, fmt.Errorf("%w: %s has SHA-256 %s, the manifest records %s; rebuild it with `facecase-cli models cohort` and record its hash",
			ErrCohortChanged, e.File, got, e.SHA256)
	}
	c, err := scorenorm.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("score normalisation cohort %s: %w", e.File, err)
	}
	if c.ID() != e.ID {
		return nil, fmt.Errorf("%w: %s holds cohort %q, the manifest names %q", ErrCohortChanged, e.File, c.ID(), e.ID)
	}
	desc, err := m.Model(e.DescriptorModel)
	if err != nil {
		return nil, fmt.Errorf("score normalisation cohort %s: %w", e.ID, err)
	}
	if got := c.Info().DescriptorModelSHA256; got != e.DescriptorSHA256 || got != desc.SHA256 {
		return nil, fmt.Errorf("%w: cohort %s was made with descriptor model %s, the manifest's %s model is %s; make a new cohort for the new model (`facecase-cli models cohort`)",
			ErrCohortModelMismatch, e.ID, short(got), desc.Name, short(desc.SHA256))
	}
	return c, nil
}

// CheckDescriptorModel refuses a cohort made with another descriptor model
// than the file at path (ErrCohortModelMismatch).
func CheckDescriptorModel(c *scorenorm.Cohort, path string) error {
	sum, err := fsutil.SHA256File(path)
	if err != nil {
		return fmt.Errorf("check descriptor model for cohort %s: %w", c.ID(), err)
	}
	if want := c.Info().DescriptorModelSHA256; sum != want {
		return fmt.Errorf("%w: the descriptor model %s has SHA-256 %s, cohort %s was made with %s; reinstall the models (%s) or make a new cohort (`facecase-cli models cohort`)",
			ErrCohortModelMismatch, path, short(sum), c.ID(), short(want), InstallCommand)
	}
	return nil
}

func short(sum string) string {
	if len(sum) > 16 {
		return sum[:16] + "…"
	}
	return sum
}
