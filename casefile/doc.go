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
//     cohort statistics (see recognition/scorenorm). Detections are committed in
//     batches that end where a frame ends, so a frame's faces (all those
//     of a photo) are stored together or not at all.
//   - Each evidence item's analysis state (AnalysisRecord). An item taken
//     in for analysis (AddOptions.Analyse) is committed "pending" in the
//     same transaction as its record and becomes "done" in the same
//     transaction as its last faces (StoreAnalysis, FinishAnalysis), so a
//     crash never leaves an item that looks analysed but lacks faces.
//     casefile has no engine: PendingAnalyses lists what an interrupted
//     run left, and the app and the CLI resume it (a video after the last
//     frame stored, AnalysisStatus.StillToStore); Verify names it
//     (CaseReport.Unfinished, ErrIncomplete). An analysis that cannot be
//     made (a photo that does not decode) is recorded as failed, with the
//     reason (FailAnalysis), and tried again only when asked.
//   - The watchlist: subjects and, per enrolment image, its provenance and
//     descriptors with their cohort statistics.
//   - Searches (probe, operating point: target false match rate and the
//     normalised score threshold it maps to, watchlist size and version,
//     candidates ranked by normalised score with the exact Euclidean
//     distance beside it, operator, purpose, authorisation reference) and
//     review decisions. A
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
// # Receipts
//
// A hash chain inside the file proves nothing against someone who can
// rewrite the whole chain (delete the newest entry and fix the head, or
// edit an entry and recompute every link). A Receipt anchors the chain
// outside the file: the number of entries, the SHA-256 of the newest and
// of the first, the time, signed with the installation's Ed25519 key
// (SigningKey, in the user's config folder, mode 0600, made on first
// use; KeyDir). The app and the CLI make one at every close of a case
// opened for writing and at every export (in the bundle as receipt.json),
// and keep them in the installation's receipt journal (AppendJournal).
// CaseReport.CheckReceipts and BundleReport.CheckReceipts say whether a
// case or bundle matches a receipt, extends it (entries added since) or
// does not match it (rewritten); making a receipt for a rewritten chain
// needs the key, and the check says whether a receipt was signed by this
// installation's key.
//
// # Safety
//
// A case is opened with a lock timeout (ErrOpenElsewhere instead of a
// hang), read-only for reviewers, and never written unless it is a case of
// a format this version knows (ErrNotACase, ErrNewerFormat, ErrCorrupt).
// Every open checks the case before anything is written: the page tree,
// read from the file without bbolt's memory map (so a damaged page is
// named, never a fault), the audit chain, and every record and run of
// detections against the audit entry that wrote it. A damaged case is
// never written to: opening it for writing fails with a *DamageError
// naming the damage (ErrDamaged), or, with Options.ReadOnlyIfDamaged,
// opens it read-only (Case.Damage). The full check reads the whole file;
// a file found sound is remembered in the user's cache folder by device,
// inode, size and change time (which an ordinary user cannot set back),
// so opening it again unchanged skips it.
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
// identification", the signed receipt of the snapshot's audit chain, and
// optionally photo copies with every face that is not a confirmed match
// blurred. The bundle's bytes are fully determined by its contents, so
// VerifyBundle rebuilds everything from the snapshot and names any changed
// byte. Export never writes over the case file, into its media folder or
// over an original evidence file, however the output is named
// (ErrProtectedTarget). ImportBundle turns a verified bundle into a
// read-only review copy, with the bundle's redacted photo copies in its
// media folder; the original evidence files are never in a bundle, and
// the review copy reports them as not included (EvidenceNotIncluded).
package casefile
