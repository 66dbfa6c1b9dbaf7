// Package gallery is watchlist search: given the descriptor of a probe face,
// find the enrolled faces nearest to it, at agency scale (ten million faces
// and more) on one laptop, with candidate lists a reviewer can trust.
//
// # Interface
//
// Gallery is the small interface callers use (Add, Remove, Search, Len,
// Close), so that a gallery served by another machine can stand in for a
// local one. Search returns at most k candidates (face id, subject label,
// Euclidean distance), nearest first; a candidate beyond the distance
// threshold is never returned, whatever the index does. Candidates are
// investigative leads for human review, never identifications.
//
// Local is the gallery on this machine, either in memory (NewMemory) or in a
// gallery file (Open to search and change it, OpenReadOnly to search it
// without ever writing to it).
//
// # Search
//
// Every face is stored three ways: its float descriptor (the truth), an int8
// code of its residual from the centroid of the inverted list it belongs to,
// and a 32-byte product-quantizer code of the same residual (see pq.go).
//
//   - Exact search (SearchExact; also Search on galleries smaller than
//     Options.MinIndexed) scans every int8 code with one integer dot product
//     per face (AVX2 assembly where the CPU has it, portable Go elsewhere)
//     on all cores. Each face carries a bound of its quantization error, so
//     the scan can prove which faces may be in the true top k; all of those
//     are re-ranked with float distances, which makes the result exact. It
//     is the reference approximate search is measured against.
//   - Approximate search (Search on larger galleries) scans the NProbe lists
//     whose centroids are nearest the probe (an inverted-file index, IVF,
//     with k-means centroids trained on the enrolled faces in two levels).
//     It reads only the product-quantizer codes of those lists (32 bytes a
//     face, table lookups), keeps the Shortlist nearest by that estimate,
//     re-scores them with their int8 codes, and re-ranks the best Rerank
//     exactly. Its recall against exact search is measured by
//     BenchmarkSearch and 'facecase-cli gallery bench', never assumed;
//     DefaultNProbe and DefaultShortlist are calibrated on synthetic
//     dlib-like descriptors (package facecase/internal/synthdesc).
//
// # Normalised search
//
// SearchNormalised ranks and thresholds by the normalised score of package
// facecase/recognition/scorenorm (AS-norm), which evens out the false
// match rate between groups of people: each face's cohort statistics (μ,
// σ against Options.Cohort) are computed when it is added and stored in
// its record, beside its descriptor, so the read that re-ranks a face
// brings them. A normalised ranking can differ much from the distance
// ranking (a face far from everyone ranks higher at the same distance), so
// the approximate stages shortlist by estimated score: every inverted list
// keeps its faces' μ and 1/σ beside their codes (norm_table.go, 8 bytes a
// face, read from the records in the background after opening), the
// product-quantizer and int8 stages turn their distance estimates into
// score estimates, and the Options.NormRerank best are re-ranked by exact
// score. Each list's bound on its faces' scores (the upper convex hull of
// their (1/σ, μ/σ), norm_bound.go) skips the lists that cannot beat the
// shortlist, and each face is tested without a square root before its
// score is estimated. Until the statistics are in memory it shortlists by
// distance as Search does.
//
// Above Options.MaxResidentCodes, where the int8 codes stay in the file,
// the same background reading also gives every face a fine code (fine.go:
// 4 bits a dimension of its residual, 64 bytes a face, 0.68 GB at ten
// million, kept outside the Go heap): the fine stage estimates the score
// of the product-quantizer shortlist (four times the distance search's)
// from them and reads only the best 2,048 records from the file, instead
// of the whole shortlist. SearchNormalisedExact scores every face, the reference its
// recall is measured against (BenchmarkSearchNormalised; figures in
// docs/benchmarks.md, "Fair matching").
//
// # Gallery file
//
// A gallery file is a bbolt database holding faces in chunks of 1024 (see
// format.go): float descriptors, codes, face ids and labels. Opening reads
// ids, labels and codes with positioned reads; float descriptors stay in
// the file and the ones a search re-ranks are read with positioned reads,
// while the kernel's page cache keeps hot descriptors. Up to
// Options.MaxResidentCodes faces (4 million by default) the int8 codes are
// in memory too (one million faces measured 0.30-0.31 GiB resident after
// opening); above it they stay in the file (ten million faces measured
// 0.71-0.73 GiB, and 1.4 GiB live once the statistics and fine codes of
// normalised search are read): approximate search then re-ranks its whole
// shortlist from the file (normalised search the best of it by fine
// code) and exact search reads every descriptor.
//
// Everything read from the file is checked against CRC-32C checksums (see
// checksum.go and record.go): each chunk when opening reads it, each face
// record when a search reads it, every other value when it is read. A
// damaged file gives ErrCorrupt (ErrTruncated when it was cut short,
// ErrNotGallery when it is empty or not a gallery at all), wrapped with its
// path, and nothing is written to it: opening checks everything it loads
// before its first write. Verify checks what opening does not read (the
// descriptors, and the int8 codes when they stay in the file).
//
// Adds and removes are transactions that touch only their chunks. When the
// index drifts (the gallery outgrew a flat index, many changes since
// training, or one list grew far beyond the others), it is rebuilt in the
// background and swapped in atomically; searches go on meanwhile. Files of
// older versions are read as they are by OpenReadOnly and upgraded by Open
// (see upgrade.go: at once for small records, in the background for the
// chunks); a truncated file is refused with ErrTruncated before bbolt maps
// it.
package gallery
