// Package eval is the accuracy and bias lab: it measures, on data a trainer
// brings, how often the recognition engine matches the wrong person and
// misses the right one, overall and per demographic group.
//
// # Datasets
//
// ReadFolders reads a folder per identity, ReadManifest a CSV of path,
// identity and group columns, ReadPairs an LFW-style pairs file (10 folds of
// matched and mismatched pairs) and ReadPattern labels carried in file names
// ("{age}_{sex}_*.jpg", with value names from ReadLabelNames). Readers go on
// past damaged items and count them by reason in Dataset.Skipped; a dataset
// with nothing usable is an error wrapping ErrEmptyDataset.
//
// # Descriptors
//
// An Embedder turns an image into the descriptor of its largest usable
// face; none is a failure to enrol (FTE). NewEngineEmbedder wraps the
// recognition engine; tests use stand-ins. A Cache (one bbolt file) keeps
// descriptors keyed by the SHA-256 of the image bytes within a bucket per
// model identity, so a second run of the same data costs no recognition.
//
// # Measures (ISO/IEC 19795-1 terms)
//
// A score is the Euclidean distance between two descriptors in the dlib
// space; smaller is more alike and a pair matches when its score is at or
// below the threshold, so a score equal to the threshold is a match.
// Thresholds lie on a grid of ThresholdStep (0.0001): non-mated scores are
// counted in histograms on that grid, which makes every rate at a grid
// threshold exact while tens of millions of pairs need no storage. Mated
// scores are few and kept.
//
// Without a pairs file every pair of enrolled images is compared: pairs of
// one identity are mated, the others non-mated. FMR is the share of
// non-mated pairs that match, FNMR the share of mated pairs that do not,
// EER where the two are closest. For a pairs file, only its pairs are
// compared and the 10-fold accuracy is computed as for LFW.
//
// Identification (1:N) uses a gallery of the first enrolled image of each
// identity: every other image is a mated search (FNIR at rank R and
// threshold T) and, with its own identity left out of the gallery, a
// non-mated search (FPIR at T). See IdentificationMethod.
//
// # Groups
//
// Per group column (sex, age band ...) and at the operating threshold, a
// group's FMR counts non-mated pairs whose two images are both in the group
// (impostors within the group), its FNMR mated pairs both in the group;
// non-mated pairs across groups are reported per pair of groups. A mated
// pair whose images carry different values (an age band changing between
// photos) counts only overall. Each group's FMR is divided by the lowest
// group FMR, as in NIST IR 8280 (Grother, Ngan and Hanaoka, 2019). A group
// without mated or non-mated pairs shows "n/a": undefined figures are null
// in JSON and never NaN.
//
// Confidence intervals come from a bootstrap that resamples identities,
// not pairs: pairs sharing a person are not independent, and resampling
// pairs would give intervals that are too narrow (Bolle, Ratha and
// Pankanti, "Error analysis of pattern recognition systems: the subsets
// bootstrap", CVIU 2004). Replicate b draws with a PCG generator seeded
// (Config.Seed, b), so the output does not depend on the worker count.
//
// Threshold calibration finds, for each target FMR (1e-3, 1e-4 ...), the
// highest grid threshold whose FMR on this data meets the target and the
// FNMR it costs each group; it is flagged unreliable with fewer non-mated
// pairs than the rule of three asks (3/target).
//
// # Raw and normalised side by side
//
// With Config.Normalizer (scorenorm.LabNormalizer in the app and the CLI)
// every pair is also scored by the normalised score a search would use: the
// dataset's own faces as the cohort once there are 250 of them, the shipped
// cohort otherwise. For each of Config.FairnessFMRs (1e-2, 1e-3, 1e-4) each
// score gets the threshold that meets the target overall on this data, and
// Summary.Fairness gives, per group column, every group's FMR and FNMR and
// the highest group FMR over the lowest (the max/min ratio), with bootstrap
// intervals, for both scores: comparing at matched overall FMR shows the
// bias each score leaves. PlotFairDET and PlotFairFMR draw them. The group
// labels are used only to measure; the normalisation never sees them.
//
// # Output
//
// Run returns a Result: a Summary of plain values (written by
// WriteSummaryJSON, WriteGroupsCSV and WriteHTML; WriteReport writes them
// all) and the histograms behind the plots, which render to PNG bytes
// (PlotDET, PlotROC, PlotScores, PlotFMRRatio) for the report and the
// desktop Lab view. Every score can be streamed as CSV during Run
// (Config.Scores) in a fixed order. The same data, model and settings give
// the same bytes: nothing in the outputs depends on timing, the cache or
// the number of workers. Run takes a context and reports progress.
package eval
