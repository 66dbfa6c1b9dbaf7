package casefile

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	bolt "go.etcd.io/bbolt"

	"facecase/internal/fsutil"
	"facecase/progress"
)

// AddOptions control evidence intake.
type AddOptions struct {
	// Reference keeps the file where it is instead of copying it into the
	// case's media folder.
	Reference bool
	// Note is free text kept with the item.
	Note string
	// Progress receives "hash" updates in bytes; nil discards them.
	Progress progress.Reporter
	// Analyse lists the kinds of evidence (KindPhoto, KindVideo) the
	// caller finds faces in after intake. An item of one of these kinds
	// is committed with its analysis pending, in the same transaction as
	// the evidence record, until StoreAnalysis or FinishAnalysis records
	// its faces; a crash in between leaves it pending, never silently
	// without faces.
	Analyse []string
}

// intakeBuffer is the read size for hashing and copying.
const intakeBuffer = 1 << 20

// AddEvidence takes a file into the case. The original is opened
// read-only and never written to; it is read once, computing SHA-256 and
// MD5 while (by default) copying it into the media folder through a
// temporary file that is synced and renamed before the record is
// committed. A file already in the case (same SHA-256) is not added again:
// the existing item is returned with an error matching
// ErrDuplicateEvidence. Cancelling ctx stops the intake and leaves the
// case unchanged.
func (c *Case) AddEvidence(ctx context.Context, path string, opts AddOptions) (Evidence, error) {
	ev, err := c.addEvidence(ctx, path, opts)
	if err != nil && !errors.Is(err, ErrDuplicateEvidence) {
		return Evidence{}, fmt.Errorf("add evidence %s: %w", fsutil.ShowPath(path), asDiskFull(err))
	}
	return ev, err
}

func (c *Case) addEvidence(ctx context.Context, path string, opts AddOptions) (Evidence, error) {
	if c.readOnly {
		return Evidence{}, ErrReadOnly
	}
	if err := c.writeFailure(); err != nil {
		return Evidence{}, err
	}
	if err := checkText(opts.Note); err != nil {
		return Evidence{}, err
	}
	if opts.Progress == nil {
		opts.Progress = progress.Discard
	}
	src, err := filepath.Abs(path)
	if err != nil {
		return Evidence{}, err
	}
	f, before, err := openEvidenceFile(src)
	if err != nil {
		return Evidence{}, err
	}
	defer f.Close()
	ev := Evidence{
		Name: filepath.Base(src), OriginalPath: src, Referenced: opts.Reference,
		ModTime: before.ModTime().UTC(), AddedBy: c.actor, Note: strings.TrimSpace(opts.Note),
	}

	var tmp *os.File // the working copy being written, removed unless published
	if !opts.Reference {
		if tmp, err = c.createIntakeCopy(); err != nil {
			return Evidence{}, err
		}
		defer func() {
			if tmp != nil {
				tmp.Close()
				os.Remove(tmp.Name())
			}
		}()
	}
	if err := readEvidenceFile(ctx, f, before, tmp, opts.Progress, &ev); err != nil {
		return Evidence{}, err
	}
	if existing, found, err := c.evidenceByHash(ev.SHA256); err != nil {
		return Evidence{}, err
	} else if found {
		return existing, fmt.Errorf("%s is evidence %d (%s): %w", ev.Name, existing.ID, existing.Name, ErrDuplicateEvidence)
	}

	var created string // the copy made by this call, removed if the commit fails
	if tmp != nil {
		var final string
		if created, final, err = c.publishIntakeCopy(ctx, tmp, ev); err != nil {
			return Evidence{}, err
		}
		tmp = nil
		rel, err := filepath.Rel(filepath.Dir(c.path), final)
		if err != nil {
			return Evidence{}, err
		}
		ev.StoredPath = rel
	}

	dup, err := c.commitEvidence(&ev, slices.Contains(opts.Analyse, ev.Kind))
	if err != nil {
		if created != "" && dup == nil {
			os.Remove(created)
		}
		if dup != nil {
			return *dup, fmt.Errorf("%s is evidence %d (%s): %w", ev.Name, dup.ID, dup.Name, ErrDuplicateEvidence)
		}
		return Evidence{}, err
	}
	return ev, nil
}

// openEvidenceFile opens an evidence file read-only (evidence is never
// written to). Regular files only, checked on the opened descriptor: a
// named pipe would block here with the case open for writing, a device
// never ends.
func openEvidenceFile(src string) (*os.File, os.FileInfo, error) {
	f, err := fsutil.OpenRegular(src)
	if errors.Is(err, fsutil.ErrNotRegular) {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fmt.Errorf("%w: not a regular file", ErrInvalid)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// createIntakeCopy creates the temporary file in the media folder that the
// working copy of new evidence is written to.
func (c *Case) createIntakeCopy() (*os.File, error) {
	mediaDir := c.MediaDir()
	if err := os.MkdirAll(mediaDir, 0o700); err != nil {
		return nil, fmt.Errorf("media folder: %w", err)
	}
	tmp, err := os.CreateTemp(mediaDir, intakeTempPrefix+"*"+intakeTempSuffix)
	if err != nil {
		return nil, fmt.Errorf("media folder: %w", err)
	}
	return tmp, nil
}

// readEvidenceFile hashes f (before is its state when opened), copying it
// to copyTo when not nil, and fills in ev's size and sums. It refuses a
// file that changed while it was read.
func readEvidenceFile(ctx context.Context, f *os.File, before os.FileInfo, copyTo *os.File, rep progress.Reporter, ev *Evidence) error {
	var w io.Writer
	if copyTo != nil {
		w = copyTo
	}
	sum, err := hashAndCopy(ctx, f, w, before.Size(), ev.Name, rep, ev)
	if err != nil {
		return err
	}
	after, err := f.Stat()
	if err != nil {
		return err
	}
	if after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) || sum.n != before.Size() {
		return fmt.Errorf("%w: the file changed while it was being read; take it in again once it is complete", ErrInvalid)
	}
	ev.Size, ev.SHA256, ev.MD5 = sum.n, sum.sha256, sum.md5
	return nil
}

// publishIntakeCopy syncs and closes the working copy tmp of ev and gives
// it its final name in the media folder. A file already there, left by an
// intake interrupted before its commit, is reused if it holds the same
// content (tmp is removed then and created is empty); created is the file
// this call made. On error tmp is left for the caller to remove.
func (c *Case) publishIntakeCopy(ctx context.Context, tmp *os.File, ev Evidence) (created, final string, err error) {
	if err := tmp.Sync(); err != nil {
		return "", "", fmt.Errorf("write copy: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", "", fmt.Errorf("write copy: %w", err)
	}
	final = filepath.Join(c.MediaDir(), ev.SHA256[:16]+"_"+safeFileName(ev.Name))
	switch err := publishFile(tmp.Name(), final, false); {
	case err == nil:
		return final, final, nil
	case errors.Is(err, ErrExists):
		if got, err := hashFile(ctx, final); err != nil || got != ev.SHA256 {
			return "", "", fmt.Errorf("media folder already holds a different %s", final)
		}
		os.Remove(tmp.Name())
		return "", final, nil
	default:
		return "", "", fmt.Errorf("write copy: %w", err)
	}
}

// commitEvidence stores ev (giving it its id and time) with its hash index
// entry, its analysis record when analyse is set, and their audit entry,
// in one transaction. dup is the evidence already holding the same
// SHA-256, found in that transaction (the error is ErrDuplicateEvidence
// then).
func (c *Case) commitEvidence(ev *Evidence, analyse bool) (dup *Evidence, err error) {
	err = c.update(func(tx *bolt.Tx) error {
		if id := tx.Bucket(bucketEvidenceHash).Get(mustHex(ev.SHA256)); id != nil {
			existing, err := readEvidence(tx, keyU64(id))
			if err != nil {
				return err
			}
			dup = &existing
			return ErrDuplicateEvidence
		}
		b := tx.Bucket(bucketEvidence)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		ev.ID, ev.AddedAt = id, c.now()
		raw, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		b.FillPercent = 1
		if err := b.Put(u64Key(id), raw); err != nil {
			return err
		}
		if err := tx.Bucket(bucketEvidenceHash).Put(mustHex(ev.SHA256), u64Key(id)); err != nil {
			return err
		}
		details := map[string]any{"evidence_id": id, "name": ev.Name, "sha256": ev.SHA256, "md5": ev.MD5, "size": ev.Size, "referenced": ev.Referenced}
		refs := []RecordRef{recordRef(bucketEvidence, u64Key(id), raw)}
		if analyse {
			araw, err := analysisPut(tx, AnalysisRecord{EvidenceID: id, State: AnalysisPending, Requested: ev.AddedAt, RequestedBy: c.actor})
			if err != nil {
				return err
			}
			details["analysis"] = AnalysisPending
			refs = append(refs, recordRef(bucketAnalysis, u64Key(id), araw))
		}
		_, err = appendAudit(tx, ev.AddedAt, c.actor, ActionAddEvidence, details, refs)
		return err
	})
	return dup, err
}

// hashSums is the outcome of hashing a file.
type hashSums struct {
	n      int64
	sha256 string
	md5    string
}

// hashAndCopy reads r once, hashing it and writing it to copyTo when not
// nil; it sniffs the media type into ev from the first bytes.
func hashAndCopy(ctx context.Context, r io.Reader, copyTo io.Writer, total int64, name string, rep progress.Reporter, ev *Evidence) (hashSums, error) {
	start := time.Now()
	sh, mh := sha256.New(), md5.New()
	sinks := []io.Writer{sh, mh}
	if copyTo != nil {
		sinks = append(sinks, copyTo)
	}
	w := io.MultiWriter(sinks...)
	buf := make([]byte, intakeBuffer)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return hashSums{}, err
		}
		k, rerr := io.ReadFull(r, buf)
		if k > 0 {
			if n == 0 {
				ev.MediaType, ev.Kind = sniffMediaType(buf[:k])
			}
			if _, err := w.Write(buf[:k]); err != nil {
				return hashSums{}, fmt.Errorf("write copy: %w", err)
			}
			n += int64(k)
			rep.Report(progress.Update{Stage: "hash", Done: n, Total: total, Unit: "bytes", Item: name, Elapsed: time.Since(start)})
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return hashSums{}, fmt.Errorf("read: %w", rerr)
		}
	}
	if n == 0 {
		return hashSums{}, fmt.Errorf("%w: file is empty", ErrInvalid)
	}
	return hashSums{n: n, sha256: hexSum(sh), md5: hexSum(mh)}, nil
}

// hashFile is the SHA-256 of a file, read-only.
func hashFile(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, intakeBuffer)
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		k, rerr := f.Read(buf)
		h.Write(buf[:k])
		if rerr == io.EOF {
			return hexSum(h), nil
		}
		if rerr != nil {
			return "", rerr
		}
	}
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// evidenceByHash finds an item by its SHA-256 (hex).
func (c *Case) evidenceByHash(sha string) (Evidence, bool, error) {
	var ev Evidence
	var found bool
	err := c.view(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketEvidenceHash).Get(mustHex(sha))
		if id == nil {
			return nil
		}
		found = true
		var err error
		ev, err = readEvidence(tx, keyU64(id))
		return err
	})
	return ev, found, err
}

// EvidenceBySHA256 returns the item with that content hash (hex), or an
// error matching ErrNotFound.
func (c *Case) EvidenceBySHA256(sha string) (Evidence, error) {
	if _, err := hex.DecodeString(sha); err != nil || len(sha) != 64 {
		return Evidence{}, fmt.Errorf("%w: %q is not a SHA-256", ErrInvalid, sha)
	}
	ev, found, err := c.evidenceByHash(strings.ToLower(sha))
	if err == nil && !found {
		err = fmt.Errorf("evidence with SHA-256 %s: %w", sha, ErrNotFound)
	}
	return ev, err
}

// Temporary intake files are named so Open can clear those an interrupted
// intake left behind.
const (
	intakeTempPrefix = ".intake-"
	intakeTempSuffix = ".tmp"
)

func cleanIntakeTemps(mediaDir string) {
	entries, err := os.ReadDir(mediaDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, intakeTempPrefix) && strings.HasSuffix(n, intakeTempSuffix) {
			os.Remove(filepath.Join(mediaDir, n))
		}
	}
}

// safeFileName keeps letters, digits, dot, dash and underscore of a name.
func safeFileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if len(s) > 100 {
		s = s[len(s)-100:]
	}
	if s == "" {
		s = "file"
	}
	return s
}
