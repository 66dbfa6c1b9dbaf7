// Package casefile keeps one investigation in one file: NAME.facecase, a
// bbolt database, with its evidence copies in the folder NAME.media beside
// it. The desktop app and facecase-cli both work through this package; it
// never imports the UI and takes faces as plain data (boxes, landmarks,
// descriptors), so it does not depend on the recognition engine running.
//
// # What a case holds
//
//   - The case record (number, title, investigator, purpose, authorisation)
//     and settings (whether a match needs two different reviewers).
//   - Evidence: files taken in read-only, hashed (SHA-256 and MD5) in the
//     same pass that copies them into the media folder through a synced
//     temporary file, or referenced in place. Every open re-verifies them
//     (Options.MediaCheck); a changed or missing file is flagged, not used.
//   - Detections (compact binary records, keyed by big-endian id, indexed
//     per evidence item and frame) and tracks; each descriptor with its
//     cohort statistics (see recognition/scorenorm).
//   - The watchlist: subjects and, per enrolment image, its provenance and
//     descriptors with their cohort statistics.
//   - Searches (probe, operating point: target false match rate and the
//     normalised score threshold it maps to, watchlist size and version,
//     candidates ranked by normalised score with the exact Euclidean
//     distance beside it, operator, purpose) and review decisions. A
//     watchlist of scorenorm.MinDomainFaces descriptors or more is its own
//     normalisation cohort and calibration. A candidate is a lead; it
//     becomes a confirmed match only by review, under the case's one- or
//     two-reviewer rule.
//   - The audit log: one entry per change (including every change of a
//     reviewer's detector or operating point, RecordSessionSettings),
//     written in the same transaction
//     as the change, each carrying the SHA-256 of the entry before it and
//     of the records it wrote. Verify names the first entry or record that
//     was edited, added or deleted outside facecase.
//
// # Safety
//
// A case is opened with a lock timeout (ErrOpenElsewhere instead of a
// hang), read-only for reviewers, and never written unless it is a case of
// a format this version knows (ErrNotACase, ErrNewerFormat, ErrCorrupt).
// Every acknowledged change is committed and fsynced before the call
// returns (bbolt with sync on); a crash or a full disk loses at most the
// call under way, and a failed commit makes the handle refuse further
// writes until the case is reopened (ErrWriteFailed, ErrDiskFull).
//
// # Export
//
// Export writes a zip bundle: a hot snapshot of the case (bbolt's
// Tx.WriteTo), manifest.json, the audit log and detections as JSON lines,
// an HTML report with the notice "Investigative lead only, not a positive
// identification", and optionally photo copies with every face that is not
// a confirmed match blurred. The bundle's bytes are fully determined by its
// contents, so VerifyBundle rebuilds everything from the snapshot and names
// any changed byte. ImportBundle turns a verified bundle into a read-only
// review copy.
package casefile
