package casefile

import (
	"archive/zip"
	"context"
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
}

// ImportBundle verifies a bundle and makes its case snapshot a new,
// read-only case at target (for review on another machine), recording
// the import in its audit log. target must not exist. The media copies of
// the bundle are not imported: the evidence files show as missing in the
// review copy. The returned case is open read-only; it can never be
// opened for writing (ErrReadOnly).
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
	report, err := VerifyBundle(ctx, bundle, rep)
	if err != nil {
		return nil, err
	}
	if !report.Intact() {
		return nil, report.Err() // an incomplete but intact case can be reviewed
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return nil, err
	}
	tmpPath := tmp.Name()
	defer os.Remove(tmpPath)
	err = extractMember(bundle, MemberSnapshot, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	info := ImportInfo{Bundle: filepath.Base(report.Path), BundleSHA256: report.SHA256, ExportedAt: report.Export.Time,
		ExportedBy: report.Export.Actor, ImportedAt: time.Now().UTC(), ImportedBy: actor}
	db, err := openBolt(tmpPath, false, DefaultLockTimeout)
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := checkFormat(tx); err != nil {
			return err
		}
		raw, err := json.Marshal(info)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Put(metaImported, raw); err != nil {
			return err
		}
		_, err = appendAudit(tx, info.ImportedAt, actor, ActionImport, info, []RecordRef{recordRef(bucketMeta, metaImported, raw)})
		return err
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmpPath, 0o400); err != nil {
		return nil, err
	}
	if err := publishFile(tmpPath, p, false); err != nil {
		return nil, err
	}
	return Open(p, Options{ReadOnly: true, Actor: actor})
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
	err = c.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get(metaImported)
		if raw == nil {
			return nil
		}
		ok = true
		if err := json.Unmarshal(raw, &info); err != nil {
			return fmt.Errorf("%w: import record: %v", ErrCorrupt, err)
		}
		return nil
	})
	return info, ok, err
}
