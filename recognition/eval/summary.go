package eval

// Summary is the outcome of an evaluation as plain values. It is written as
// summary.json, rendered in the HTML report and shown by the desktop Lab
// view. It holds nothing that depends on timing or on the cache, so the same
// data and settings give the same bytes.
type Summary struct {
	// Tool names the program that wrote the summary.
	Tool string `json:"tool"`
	// Dataset describes the data evaluated.
	Dataset DatasetInfo `json:"dataset"`
	// Model is the Embedder's ModelID.
	Model string `json:"model"`
	// Threshold is the operating threshold: a pair is a match when its
	// distance is at or below it.
	Threshold float64 `json:"threshold"`
	// Enrolment counts what became of the images.
	Enrolment EnrolmentInfo `json:"enrolment"`
	// Verification holds the 1:1 figures, Identification the 1:N ones.
	Verification   Verification   `json:"verification"`
	Identification Identification `json:"identification"`
	// Calibration holds one entry per target FMR.
	Calibration []Calibration `json:"calibration"`
	// Groups holds one table per group column (sex, age band ...).
	Groups []GroupColumn `json:"groups"`
	// Fairness compares the raw distance with the normalised score at
	// matched overall FMRs, group by group; nil without a Normalizer.
	Fairness *Fairness `json:"fairness,omitempty"`
	// Bootstrap says how confidence intervals were computed.
	Bootstrap BootstrapInfo `json:"bootstrap"`
	// Skipped counts what was left out of the dataset, by reason.
	Skipped []SkipCount `json:"skipped"`
	// Notes are warnings about what could not be measured.
	Notes []string `json:"notes"`
}

// DatasetInfo describes the data evaluated.
type DatasetInfo struct {
	// Source is the folder or file given, Kind how it was read.
	Source string `json:"source"`
	Kind   Kind   `json:"kind"`
	// Images and Identities count what the dataset lists (after skips).
	Images     int `json:"images"`
	Identities int `json:"identities"`
	// GroupColumns names the group columns reported on.
	GroupColumns []string `json:"group_columns"`
	// ListedPairs is the number of usable pairs of a pairs file.
	ListedPairs int `json:"listed_pairs,omitempty"`
}

// EnrolmentInfo counts what became of the images.
type EnrolmentInfo struct {
	// Images = Enrolled + NoFace + Unreadable.
	Images     int `json:"images"`
	Enrolled   int `json:"enrolled"`
	NoFace     int `json:"no_face"`
	Unreadable int `json:"unreadable"`
	// FTE is the failure-to-enrol rate over readable images.
	FTE Rate `json:"fte"`
}

// Verification holds the 1:1 figures over all pairs.
type Verification struct {
	// MatedPairs and NonMatedPairs count the comparisons scored.
	MatedPairs    int64 `json:"mated_pairs"`
	NonMatedPairs int64 `json:"non_mated_pairs"`
	// FMR and FNMR are at the operating threshold.
	FMR  Rate `json:"fmr"`
	FNMR Rate `json:"fnmr"`
	// EER is the equal error rate and EERThreshold where it is reached; nil
	// without both mated and non-mated pairs.
	EER          *float64 `json:"eer"`
	EERThreshold *float64 `json:"eer_threshold"`
	// Folds is the cross-validated accuracy of a pairs file.
	Folds *FoldAccuracy `json:"folds,omitempty"`
}

// Identification holds the 1:N figures.
type Identification struct {
	// Available is false when there is no gallery to search (Note says why).
	Available bool   `json:"available"`
	Note      string `json:"note,omitempty"`
	// Method describes gallery and searches (IdentificationMethod).
	Method string `json:"method"`
	// GalleryIdentities is the gallery size; every probe is searched once
	// as a mated and once as a non-mated search.
	GalleryIdentities int   `json:"gallery_identities"`
	MatedSearches     int64 `json:"mated_searches"`
	NonMatedSearches  int64 `json:"non_mated_searches"`
	// FNIR at each rank, at the operating threshold.
	FNIR []RankRate `json:"fnir"`
	// FPIR at the operating threshold.
	FPIR Rate `json:"fpir"`
}

// RankRate is the FNIR at one rank.
type RankRate struct {
	// Rank is the length of the candidate list.
	Rank int  `json:"rank"`
	FNIR Rate `json:"fnir"`
}

// Calibration is the threshold meeting a target FMR on this data.
type Calibration struct {
	// TargetFMR is the false match rate asked for.
	TargetFMR float64 `json:"target_fmr"`
	// Threshold is nil when no threshold meets the target.
	Threshold *float64 `json:"threshold"`
	// FMR and FNMR are the overall rates at Threshold.
	FMR  Rate `json:"fmr"`
	FNMR Rate `json:"fnmr"`
	// Reliable is false when there are fewer non-mated pairs than
	// MinNonMatedPairs (the rule of three).
	Reliable         bool  `json:"reliable"`
	MinNonMatedPairs int64 `json:"min_non_mated_pairs"`
	// Note explains an unavailable or unreliable calibration.
	Note string `json:"note,omitempty"`
	// Groups holds every group's rates at Threshold.
	Groups []CalibratedGroup `json:"groups"`
}

// CalibratedGroup is what a calibrated threshold gives one group.
type CalibratedGroup struct {
	// Column and Group name the group.
	Column string `json:"column"`
	Group  string `json:"group"`
	// FMR and FNMR are the group's rates at the calibrated threshold.
	FMR  Rate `json:"fmr"`
	FNMR Rate `json:"fnmr"`
}

// GroupColumn is the per-group table of one column, at the operating threshold.
type GroupColumn struct {
	// Column names the column, Groups holds its groups sorted by name.
	Column string        `json:"column"`
	Groups []GroupResult `json:"groups"`
	// LowestFMRGroup is the group the FMR ratios divide by ("" when none).
	LowestFMRGroup string `json:"lowest_fmr_group"`
	// MixedMatedPairs counts mated pairs whose two images carry different
	// values of this column; they count only in the overall figures.
	MixedMatedPairs int64 `json:"mixed_mated_pairs"`
	// Cross holds the FMR of non-mated pairs between every two groups
	// (A == B is the within-group FMR).
	Cross []CrossRate `json:"cross"`
}

// GroupResult holds one group's figures. FMR counts non-mated pairs whose
// two images are both in the group; FNMR mated pairs both in the group.
type GroupResult struct {
	// Group is the group's value in its column.
	Group string `json:"group"`
	// Images, Identities and Enrolled count the group's samples.
	Images     int `json:"images"`
	Identities int `json:"identities"`
	Enrolled   int `json:"enrolled"`
	// FTE is over the group's readable images; FMR and FNMR are at the
	// operating threshold, with bootstrap intervals when computed.
	FTE  Rate `json:"fte"`
	FMR  Rate `json:"fmr"`
	FNMR Rate `json:"fnmr"`
	// FMRRatio is this group's FMR over the lowest group FMR (NIST IR 8280).
	FMRRatio Ratio `json:"fmr_ratio"`
	// FNIR1 (rank 1) and FPIR of searches by this group's images.
	FNIR1 Rate `json:"fnir_rank1"`
	FPIR  Rate `json:"fpir"`
}

// CrossRate is the FMR between two groups of a column.
type CrossRate struct {
	// A and B name the two groups (A <= B).
	A string `json:"a"`
	B string `json:"b"`
	// FMR counts non-mated pairs with one image in each group.
	FMR Rate `json:"fmr"`
}

// BootstrapInfo says how intervals were computed.
type BootstrapInfo struct {
	// Replicates and Seed are the settings; Level the interval's coverage.
	Replicates int     `json:"replicates"`
	Seed       uint64  `json:"seed"`
	Level      float64 `json:"level"`
	// Method describes the resampling (BootstrapMethod).
	Method string `json:"method"`
	// Note says why intervals were not computed.
	Note string `json:"note,omitempty"`
}
