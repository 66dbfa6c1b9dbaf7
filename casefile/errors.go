package casefile

import "errors"

// Sentinel errors callers branch on. Errors returned by this package wrap
// them with the case path and the operation, so errors.Is works and the
// message still says what happened to which file.
var (
	// ErrOpenElsewhere: another window or process has the case open (the
	// file lock was not obtained within Options.LockTimeout).
	ErrOpenElsewhere = errors.New("this case is open elsewhere")
	// ErrNotACase: the file is not a facecase case file (not a bbolt
	// database, or a bbolt database without the case records).
	ErrNotACase = errors.New("not a facecase case file")
	// ErrCorrupt: the file looks like a case file but its structure is
	// damaged (truncated, bad page, unreadable record).
	ErrCorrupt = errors.New("case file is damaged")
	// ErrDamaged: the check made on every open found the case damaged (a
	// bad page, a record that does not match its audit entry): it is not
	// written to, only opened read-only (Options.ReadOnlyIfDamaged), with
	// the damage named (a *DamageError, Case.Damage).
	ErrDamaged = errors.New("the case file is damaged and is not written to: open it read-only, or restore it from a verified export bundle")
	// ErrNewerFormat: the case was written by a newer facecase; this
	// version must not change it.
	ErrNewerFormat = errors.New("case file was written by a newer version of facecase")
	// ErrReadOnly: the case is open read-only (or is an imported review
	// copy, which is always read-only), so it cannot be changed.
	ErrReadOnly = errors.New("case is read-only")
	// ErrTampered: the audit chain or a record does not match its audit
	// entry: something was edited or deleted outside facecase.
	ErrTampered = errors.New("case file was altered outside facecase")
	// ErrExists: the target of a create, import or export already exists.
	ErrExists = errors.New("target already exists")
	// ErrNoActor: a case opened for writing needs the name of the person
	// working on it, for the audit log.
	ErrNoActor = errors.New("no actor given: every change is recorded with the name of who made it")
	// ErrDuplicateEvidence: the file (same SHA-256) is already evidence in
	// this case; the existing item is returned alongside.
	ErrDuplicateEvidence = errors.New("file is already evidence in this case")
	// ErrNotFound: no evidence, detection, subject, search or review with
	// that id.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: an argument is out of range or malformed (for example a
	// descriptor with NaN values, or an unknown review decision).
	ErrInvalid = errors.New("invalid input")
	// ErrWriteFailed: an earlier write to the case failed (disk full, I/O
	// error); the case refuses further changes until it is closed and
	// reopened, so nothing is built on a state that may not be on disk.
	ErrWriteFailed = errors.New("an earlier write to the case failed; close and reopen the case")
	// ErrDiskFull: a write failed because the disk (or the file size limit,
	// or the user's quota) is full. Nothing acknowledged before is lost.
	ErrDiskFull = errors.New("the disk is full")
	// ErrIncomplete: the case is intact, but the analysis of some
	// evidence was interrupted and never finished (see PendingAnalyses).
	ErrIncomplete = errors.New("analysis of evidence never finished")
	// ErrProtectedTarget: an export would write over the case file, into
	// its media folder or over an original evidence file (also through a
	// link); Force does not change that.
	ErrProtectedTarget = errors.New("the output would overwrite the case or its evidence")
	// ErrBundleInvalid: an export bundle failed verification.
	ErrBundleInvalid = errors.New("bundle failed verification")
	// ErrBundleTooLarge: a bundle would exceed 4 GiB, the limit of the
	// plain zip format this package writes.
	ErrBundleTooLarge = errors.New("bundle would exceed the 4 GiB zip limit")
)
