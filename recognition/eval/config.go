package eval

import (
	"errors"
	"fmt"
	"io"

	"facecase/facedata"
	"facecase/progress"
)

// ErrConfig is returned for settings that cannot be used.
var ErrConfig = errors.New("bad evaluation settings")

// Config holds the settings of an evaluation. Start from DefaultConfig.
type Config struct {
	// Threshold is the operating threshold, a multiple of ThresholdStep.
	Threshold float64
	// TargetFMRs are the false match rates to calibrate thresholds for.
	TargetFMRs []float64
	// Ranks are the ranks FNIR is reported at.
	Ranks []int
	// Bootstrap is the number of replicates for confidence intervals
	// (0: no intervals); Seed makes them repeatable.
	Bootstrap int
	Seed      uint64
	// Workers is the number of goroutines (GOMAXPROCS when <= 0).
	Workers int
	// Cache keeps descriptors between runs; nil computes every one.
	Cache *Cache
	// Scores, when not nil, receives every comparison score as CSV
	// (ScoresCSVHeader, then one row per pair). With N images that is
	// N(N-1)/2 rows: about 1.2 GB for 10,000 images.
	Scores io.Writer
	// Progress receives progress updates; nil discards them.
	Progress progress.Reporter
	// Normalizer, when not nil, adds the normalised score beside the raw
	// distance: both are calibrated for each of FairnessFMRs and compared
	// group by group (Summary.Fairness).
	Normalizer   Normalizer
	FairnessFMRs []float64
	// MaxBootstrapPairs bounds the non-mated pairs at or below the
	// threshold kept for the bootstrap (16 bytes each); beyond it no
	// interval is computed.
	MaxBootstrapPairs int
}

// DefaultConfig is dlib's 0.6 threshold, targets 1e-3 and 1e-4, ranks 1, 5
// and 10, 1000 bootstrap replicates with seed 1.
func DefaultConfig() Config {
	return Config{
		Threshold:         facedata.SameThreshold,
		TargetFMRs:        []float64{1e-3, 1e-4},
		Ranks:             []int{1, 5, 10},
		Bootstrap:         1000,
		Seed:              1,
		MaxBootstrapPairs: 20_000_000,
		FairnessFMRs:      append([]float64(nil), DefaultFairnessFMRs...),
	}
}

// check validates the settings and returns the threshold's grid index.
func (c *Config) check() (int, error) {
	k, err := GridIndex(c.Threshold)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	for _, t := range c.TargetFMRs {
		if !(t > 0 && t < 1) {
			return 0, fmt.Errorf("%w: target FMR %v is not between 0 and 1", ErrConfig, t)
		}
	}
	for _, r := range c.Ranks {
		if r < 1 {
			return 0, fmt.Errorf("%w: rank %d is below 1", ErrConfig, r)
		}
	}
	for _, t := range c.FairnessFMRs {
		if !(t > 0 && t < 1) {
			return 0, fmt.Errorf("%w: fairness FMR %v is not between 0 and 1", ErrConfig, t)
		}
	}
	if c.Normalizer != nil && len(c.FairnessFMRs) == 0 {
		c.FairnessFMRs = append([]float64(nil), DefaultFairnessFMRs...)
	}
	if c.Bootstrap < 0 {
		return 0, fmt.Errorf("%w: %d bootstrap replicates", ErrConfig, c.Bootstrap)
	}
	if c.MaxBootstrapPairs <= 0 {
		c.MaxBootstrapPairs = DefaultConfig().MaxBootstrapPairs
	}
	return k, nil
}
