package tracking

// Config tunes the tracker. The zero value of a field means its default
// (see DefaultConfig).
type Config struct {
	// MinHits is the number of detections a new track needs before it is
	// confirmed, given an id and reported. Detectors' false alarms rarely
	// repeat at the same place, so they stay tentative and vanish.
	MinHits int
	// MaxTentativeMisses is how many detection rounds in a row a tentative
	// track may miss before it is dropped.
	MaxTentativeMisses int
	// MaxMissFrames is how many frames a confirmed track survives without a
	// detection (occlusion, a turned head) before it ends. It must cover the
	// longest occlusion to bridge: 10 frames of a face hidden behind a
	// passer-by need at least 10.
	MaxMissFrames int
	// MaxCentreDistance gates motion: a detection whose centre is further
	// from the predicted centre than this many face sizes (plus three
	// standard deviations of the prediction) is not considered.
	MaxCentreDistance float64
	// MaxSizeRatio gates scale: boxes whose sides differ by more than this
	// factor are not the same face from one frame to the next.
	MaxSizeRatio float64
	// MaxDescriptorDistance gates appearance: when both the detection and
	// the track have descriptors and the detection is further than this
	// from every recent descriptor of the track, the pair is not
	// considered. dlib's "same person" threshold of 0.6 is the default: on
	// the Hamilton clip, consecutive detections of one person are 0.13 to
	// 0.63 apart (the nearest of the recent ones much closer), while the
	// singer and the audience member who takes his place after a cut are
	// 0.75 apart.
	MaxDescriptorDistance float64
	// DoubtfulDescriptorDistance replaces MaxDescriptorDistance for
	// descriptors of doubtful faces: faces overlapping another detection
	// (a face emerging from behind another one carries some of its pixels)
	// and faces whose quality was measured and found unusable (small,
	// blurred, turned). On the synthetic crossing scene, the face coming
	// out from behind another is 0.6 to 0.75 from its own track.
	DoubtfulDescriptorDistance float64
	// ReidentifyDistance is the descriptor distance under which a track
	// that lost its face may take a detection beyond the motion gate (a face
	// that reappears somewhere unexpected after an occlusion).
	ReidentifyDistance float64
	// AppearanceWeight is the share of the appearance term in the combined
	// cost, in [0, 1]; the rest is motion (overlap and centre distance).
	AppearanceWeight float64
	// AppearanceHistory is how many recent descriptors a track keeps to
	// compare detections with.
	AppearanceHistory int
}

// DefaultConfig suits faces in video at 10 to 30 frames per second.
func DefaultConfig() Config {
	return Config{
		MinHits:                    3,
		MaxTentativeMisses:         1,
		MaxMissFrames:              30,
		MaxCentreDistance:          1.0,
		MaxSizeRatio:               1.8,
		MaxDescriptorDistance:      0.6,
		DoubtfulDescriptorDistance: 0.75,
		ReidentifyDistance:         0.45,
		AppearanceWeight:           0.5,
		AppearanceHistory:          10,
	}
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.MinHits <= 0 {
		c.MinHits = d.MinHits
	}
	if c.MaxTentativeMisses <= 0 {
		c.MaxTentativeMisses = d.MaxTentativeMisses
	}
	if c.MaxMissFrames <= 0 {
		c.MaxMissFrames = d.MaxMissFrames
	}
	if c.MaxCentreDistance <= 0 {
		c.MaxCentreDistance = d.MaxCentreDistance
	}
	if c.MaxSizeRatio <= 1 {
		c.MaxSizeRatio = d.MaxSizeRatio
	}
	if c.MaxDescriptorDistance <= 0 {
		c.MaxDescriptorDistance = d.MaxDescriptorDistance
	}
	if c.DoubtfulDescriptorDistance < c.MaxDescriptorDistance {
		c.DoubtfulDescriptorDistance = max(d.DoubtfulDescriptorDistance, c.MaxDescriptorDistance)
	}
	if c.ReidentifyDistance <= 0 {
		c.ReidentifyDistance = d.ReidentifyDistance
	}
	if c.AppearanceWeight <= 0 || c.AppearanceWeight > 1 {
		c.AppearanceWeight = d.AppearanceWeight
	}
	if c.AppearanceHistory <= 0 {
		c.AppearanceHistory = d.AppearanceHistory
	}
	return c
}
