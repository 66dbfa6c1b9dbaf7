package tracking

import "time"

// PersonConfig tunes the person tracker. The zero value of a field means
// its default (see DefaultPersonConfig).
type PersonConfig struct {
	// MinScore is the detector score from which a person may start a
	// track; weaker ones only continue confirmed tracks (see Update).
	MinScore float32
	// MinHits is the number of detections a new person track needs before
	// it is confirmed, given an id and reported.
	MinHits int
	// MaxTentativeMisses is how many detection rounds in a row a tentative
	// track may miss before it is dropped.
	MaxTentativeMisses int
	// MaxMissTime is how long a confirmed track survives without a
	// detection (someone walking behind a van, a passer-by in front) before
	// it ends. Time, not frames: occlusions last seconds whatever the
	// frame rate.
	MaxMissTime time.Duration
	// MaxCentreDistance gates motion: a detection whose centre is further
	// from the predicted centre than this many box sizes (the geometric
	// mean of width and height) plus three standard deviations of the
	// prediction is not considered, unless it re-identifies a lost track.
	MaxCentreDistance float64
	// MaxSizeRatio gates scale: boxes whose sizes differ by more than this
	// factor are not the same person from one detection to the next.
	MaxSizeRatio float64
	// MaxClothesDistance gates appearance: a detection whose clothes
	// colours are further than this (Hellinger distance) from the track's
	// is not considered, unless one of them overlaps another person (then
	// colours mix).
	MaxClothesDistance float64
	// ReidentifyDistance is the clothes distance under which a track that
	// lost its person may take a detection beyond the motion gate (someone
	// coming out from behind a van further on than expected).
	ReidentifyDistance float64
	// NoMatchCost is what leaving a person unmatched costs in the
	// assignment, against pair costs of about 0 (certain) to 1 (barely
	// plausible): pairs dearer than this are only made when they do not
	// push a better pair out.
	NoMatchCost float64
	// AppearanceWeight is the share of the clothes term in the combined
	// cost, in [0, 1]; the rest is motion.
	AppearanceWeight float64
	// ClothesMemory is the weight of the track's remembered clothes
	// colours against a new clean detection's, in [0, 1): the memory
	// follows slow changes of light without forgetting who it is.
	ClothesMemory float64
}

// DefaultPersonConfig suits pedestrians in video from 5 to 30 frames per
// second, detected every frame or every few frames. The values were chosen
// on vtest.avi's hand-made ground truth (docs/people.md): with NanoDet's
// people down to a score of 0.3, detected on every first to third frame,
// they keep identity switches at 0 to 2 over its 18 trajectories.
func DefaultPersonConfig() PersonConfig {
	return PersonConfig{
		MinScore:           0.55,
		MinHits:            3,
		MaxTentativeMisses: 1,
		MaxMissTime:        2 * time.Second,
		MaxCentreDistance:  0.8,
		MaxSizeRatio:       1.6,
		MaxClothesDistance: 0.55,
		ReidentifyDistance: 0.2,
		NoMatchCost:        0.9,
		AppearanceWeight:   0.6,
		ClothesMemory:      0.8,
	}
}

// withDefaults fills zero fields from DefaultPersonConfig.
func (c PersonConfig) withDefaults() PersonConfig {
	d := DefaultPersonConfig()
	if c.MinScore <= 0 {
		c.MinScore = d.MinScore
	}
	if c.MinHits <= 0 {
		c.MinHits = d.MinHits
	}
	if c.MaxTentativeMisses <= 0 {
		c.MaxTentativeMisses = d.MaxTentativeMisses
	}
	if c.MaxMissTime <= 0 {
		c.MaxMissTime = d.MaxMissTime
	}
	if c.MaxCentreDistance <= 0 {
		c.MaxCentreDistance = d.MaxCentreDistance
	}
	if c.MaxSizeRatio <= 1 {
		c.MaxSizeRatio = d.MaxSizeRatio
	}
	if c.MaxClothesDistance <= 0 {
		c.MaxClothesDistance = d.MaxClothesDistance
	}
	if c.ReidentifyDistance <= 0 {
		c.ReidentifyDistance = d.ReidentifyDistance
	}
	if c.NoMatchCost <= 0 {
		c.NoMatchCost = d.NoMatchCost
	}
	if c.AppearanceWeight <= 0 || c.AppearanceWeight > 1 {
		c.AppearanceWeight = d.AppearanceWeight
	}
	if c.ClothesMemory <= 0 || c.ClothesMemory >= 1 {
		c.ClothesMemory = d.ClothesMemory
	}
	return c
}
