package casefile

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/progress"
)

// ImportInfo is recorded in a case imported from a bundle.
type ImportInfo struct {
	Bundle       string    `json:"bundle"`
	BundleSHA256 string    `json:"bundle_sha256"`
	ExportedAt   time.Time `json:"exported_at"`
	ExportedBy   string    `json:"exported_by"`
	ImportedAt   time.Time `json:"imported_at"`
	ImportedBy   string    `json:"imported_by"`
	// Media lists the redacted photo copies the bundle carried (a bundle
	// exported with media), put in the review copy's media folder. The
	// original evidence files are never in a bundle.
	Media []ImportedMedia `json:"media,omitempty"`
}

// ImportedMedia is a redacted photo copy of an imported review copy.
type ImportedMedia struct {
	EvidenceID uint64 `json:"evidence_id"`
	// File is the copy's path relative to the case file's folder.
	File string `json:"file"`
	// Size and SHA256 are as the export recorded them.
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// mediaOf returns the imported copy of an evidence item.
func (i *ImportInfo) mediaOf(evidenceID uint64) (ImportedMedia, bool) {
	for _, m := range i.Media {
		if m.EvidenceID == evidenceID {
			return m, true
		}
	}
	return ImportedMedia{}, false
}

// ImportBundle verifies a bundle and makes its case snapshot a new,
// read-only case at target (for review on another machine), recording
// the import in its audit log. target and its media folder must not
// exist. The redacted photo copies a bundle exported with media carries
// are put in the review copy's media folder (read-only) and listed in the
// import record, so the review copy shows them and Verify checks them
// against the hashes the export recorded; the original evidence files are
// never in a bundle, and the review copy reports them as
// EvidenceNotIncluded, not missing. The returned case is open read-only;
// it can never be opened for writing (ErrReadOnly).
func ImportBundle(ctx context.Context, bundle, target, actor string, rep progress.Reporter) (*Case, error) {
	c, err := importBundle(ctx, bundle, target, actor, rep)
	if err != nil {
		return nil, fmt.Errorf("import %s to %s: %w", bundle, target, err)
	}
	return c, nil
}

func importBundle(ctx context.Context, bundle, target, actor string, rep progress.Reporter) (*Case, error) {
	actor = strings.TrimSpace(actor)
	if actor == "" {
		return nil, ErrNoActor
	}
	p, err := absPath(target)
	if err != nil {
		return nil, err
	}
	if err := refuseExisting(p); err != nil {
		return nil, err
	}
	mediaDir := MediaDirFor(p)
	if err := refuseExisting(mediaDir); err != nil {
		return nil, err
	}
	report, err := VerifyBundle(ctx, bundle, rep)
	if err != nil {
		return nil, err
	}
	if !report.Intact() {
		return nil, report.Err() // an incomplete but intact case can be reviewed
	}
	tmpPath, err := extractSnapshot(bundle, p)
	if tmpPath != "" {
		defer os.Remove(tmpPath)
	}
	if err != nil {
		return nil, err
	}
	info := ImportInfo{Bundle: filepath.Base(report.Path), BundleSHA256: report.SHA256, ExportedAt: report.Export.Time,
		ExportedBy: report.Export.Actor, ImportedAt: time.Now().UTC(), ImportedBy: actor}
	tmpMedia, err := os.MkdirTemp(filepath.Dir(p), "."+filepath.Base(mediaDir)+".tmp-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmpMedia) // a no-op once published
	if err := recordImport(ctx, tmpPath, bundle, &info, tmpMedia, mediaDir); err != nil {
		return nil, err
	}
	if err := os.Chmod(tmpPath, 0o400); err != nil {
		return nil, err
	}
	if len(info.Media) > 0 {
		if err := os.Rename(tmpMedia, mediaDir); err != nil {
			return nil, err
		}
	}
	if err := publishFile(tmpPath, p, false); err != nil {
		if len(info.Media) > 0 {
			os.RemoveAll(mediaDir)
		}
		return nil, err
	}
	return Open(p, Options{ReadOnly: true, Actor: actor})
}

// extractSnapshot copies the bundle's case snapshot to a temporary file
// beside p and returns its path (for the caller to remove) once it exists.
func extractSnapshot(bundle, p string) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return "", err
	}
	err = extractMember(bundle, MemberSnapshot, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	return tmp.Name(), err
}

// recordImport turns the snapshot at snap into a review copy: it extracts
// the bundle's media into tmpMedia (to be renamed to mediaDir), listing
// them in info, and stores info as the import record with its audit
// entry.
func recordImport(ctx context.Context, snap, bundle string, info *ImportInfo, tmpMedia, mediaDir string) error {
	db, err := openBolt(snap, false, DefaultLockTimeout)
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := checkFormat(tx); err != nil {
			return err
		}
		_, details, err := lastExport(tx)
		if err != nil {
			return err
		}
		if info.Media, err = extractMedia(ctx, bundle, details.MediaFiles, tmpMedia, mediaDir); err != nil {
			return err
		}
		raw, err := json.Marshal(info)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Put(metaImported, raw); err != nil {
			return err
		}
		_, err = appendAudit(tx, info.ImportedAt, info.ImportedBy, ActionImport, info, []RecordRef{recordRef(bucketMeta, metaImported, raw)})
		return err
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// extractMedia copies the bundle's redacted photo copies into dir (to be
// renamed to mediaDir), read-only, checking each against the hash the
// export recorded.
func extractMedia(ctx context.Context, bundle string, files []MediaMember, dir, mediaDir string) ([]ImportedMedia, error) {
	if len(files) == 0 {
		return nil, nil
	}
	zr, err := zip.OpenReader(bundle)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	members := map[string]*zip.File{}
	for _, zf := range zr.File {
		members[zf.Name] = zf
	}
	out := make([]ImportedMedia, 0, len(files))
	for _, mf := range files {
		zf, ok := members[mf.Member]
		if !ok {
			return nil, fmt.Errorf("%w: no %s in the bundle", ErrBundleInvalid, mf.Member)
		}
		name := filepath.Base(mf.Member)
		sum, err := extractFile(ctx, zf, filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("extract %s: %w", mf.Member, err)
		}
		if sum != mf.SHA256 {
			return nil, fmt.Errorf("%w: %s changed while it was imported", ErrBundleInvalid, mf.Member)
		}
		out = append(out, ImportedMedia{EvidenceID: mf.EvidenceID, File: filepath.Join(filepath.Base(mediaDir), name), Size: mf.Size, SHA256: mf.SHA256})
	}
	return out, syncDir(dir)
}

// extractFile writes one zip member to path (read-only, synced) and
// returns its SHA-256.
func extractFile(ctx context.Context, zf *zip.File, path string) (string, error) {
	rc, err := zf.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o400)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), ctxReader{ctx, io.LimitReader(rc, int64(zf.UncompressedSize64))})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return hex.EncodeToString(h.Sum(nil)), err
}

// extractMember copies one member of a zip to w.
func extractMember(bundle, name string, w io.Writer) error {
	zr, err := zip.OpenReader(bundle)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.Name != name {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.Copy(w, rc)
		return err
	}
	return fmt.Errorf("%w: no %s in the bundle", ErrBundleInvalid, name)
}

// ImportInfo returns where an imported case came from (ok is false for a
// case that was not imported).
func (c *Case) ImportInfo() (info ImportInfo, ok bool, err error) {
	var rec *ImportInfo
	err = c.view(func(tx *bolt.Tx) (err error) {
		rec, err = readImportInfo(tx)
		return err
	})
	if rec != nil {
		info, ok = *rec, true
	}
	return info, ok, err
}

// readImportInfo reads the import record (nil for a case not imported).
func readImportInfo(tx *bolt.Tx) (*ImportInfo, error) {
	raw := tx.Bucket(bucketMeta).Get(metaImported)
	if raw == nil {
		return nil, nil
	}
	var info ImportInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("%w: import record: %v", ErrCorrupt, err)
	}
	return &info, nil
}
