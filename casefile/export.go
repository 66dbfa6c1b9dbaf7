package casefile

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"facecase/facedata"
	"facecase/progress"
)

// ExportOptions control Export.
type ExportOptions struct {
	// Media adds a copy of every photo with each stored face that is not a
	// confirmed match blurred. Videos are listed as not included.
	Media bool
	// Redactor blurs the faces of a photo; Media needs it
	// (media.RedactPhoto).
	Redactor PhotoRedactor
	// Signer signs the bundle's receipt (receipt.json, and
	// ExportResult.Receipt): the installation key (LoadOrCreateSigningKey).
	// Without it the bundle has no receipt.
	Signer *SigningKey
	// Force replaces an existing target; otherwise an existing target is
	// an ErrExists error and is left untouched. The case file, its media
	// folder and the original evidence files are never replaced
	// (ErrProtectedTarget), with or without Force.
	Force bool
}

// ExportResult describes a written bundle.
type ExportResult struct {
	Path    string         `json:"path"`
	Members []BundleMember `json:"members"`
	// AuditHead is the newest audit entry in the bundle's snapshot (the
	// export entry); note its hash to prove later the bundle is unchanged.
	AuditHead AuditHead   `json:"audit_head"`
	Skipped   []MediaSkip `json:"media_skipped,omitempty"`
	// Receipt is the signed receipt of the bundle's audit chain (also in
	// the bundle as receipt.json), when the export was signed.
	Receipt *Receipt `json:"receipt,omitempty"`
}

// Export writes an export bundle of the case to out (a zip): a hot
// snapshot of the case file taken with bbolt's Tx.WriteTo while the case
// stays open, manifest.json, the audit log as JSON lines, the detections
// as JSON lines, an HTML report and, with opts.Media, redacted photo
// copies. The export is recorded in the audit log (and so in the
// snapshot) first; a failed export adds an "export_failed" entry. The
// bundle is written to a temporary file in out's folder, synced and
// renamed, so a failure leaves nothing at out. rep receives "export"
// updates counted in steps; nil discards them.
func Export(ctx context.Context, c *Case, out string, opts ExportOptions, rep progress.Reporter) (*ExportResult, error) {
	res, err := export(ctx, c, out, opts, rep)
	if err != nil {
		return nil, fmt.Errorf("export %s to %s: %w", c.path, out, asDiskFull(err))
	}
	return res, nil
}

func export(ctx context.Context, c *Case, out string, opts ExportOptions, rep progress.Reporter) (res *ExportResult, err error) {
	if rep == nil {
		rep = progress.Discard
	}
	target, err := c.exportTarget(out, opts)
	if err != nil {
		return nil, err
	}
	c.exportMu.Lock()
	defer c.exportMu.Unlock()
	start := time.Now()
	step := func(done int64, item string) {
		rep.Report(progress.Update{Stage: "export", Done: done, Total: 5, Unit: "steps", Item: item, Elapsed: time.Since(start)})
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return nil, err
	}
	audited := false
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
		if err != nil && audited {
			c.auditExportFailed(target, err)
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	details := ExportDetails{Bundle: filepath.Base(target), BundleFormat: BundleFormatVersion, Media: opts.Media}
	if opts.Signer != nil {
		details.ReceiptKey = opts.Signer.ID()
	}
	at := c.now()
	z := newBundleZip(bw, at)

	step(0, "media")
	if opts.Media {
		if details.MediaFiles, details.MediaSkipped, err = c.exportMedia(ctx, z, opts.Redactor); err != nil {
			return nil, err
		}
	}
	step(1, "audit")
	err = c.update(func(tx *bolt.Tx) error {
		_, err := appendAudit(tx, at, c.actor, ActionExport, details, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	audited = true

	step(2, "snapshot")
	snap, err := c.addSnapshot(ctx, z, dir)
	if snap != "" {
		defer os.Remove(snap)
	}
	if err != nil {
		return nil, err
	}
	step(3, "manifest")
	head, receipt, err := writeDerivedMembers(ctx, z, snap, opts.Signer)
	if err != nil {
		return nil, err
	}
	if err := finishBundle(ctx, z, bw, tmp); err != nil {
		return nil, err
	}
	step(4, "publish")
	if err := publishFile(tmp.Name(), target, opts.Force); err != nil {
		return nil, err
	}
	step(5, "done")
	return &ExportResult{Path: target, Members: z.members, AuditHead: head, Skipped: details.MediaSkipped, Receipt: receipt}, nil
}

// exportTarget checks the options and the bundle's path, out, and returns
// it made absolute: never the case, its media folder or anything in them,
// nor (unless forced) an existing file.
func (c *Case) exportTarget(out string, opts ExportOptions) (string, error) {
	if c.readOnly {
		return "", ErrReadOnly
	}
	if opts.Media && opts.Redactor == nil {
		return "", fmt.Errorf("%w: exporting media needs a photo redactor (ExportOptions.Redactor)", ErrInvalid)
	}
	target, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	if err := c.refuseOwnFiles(target); err != nil {
		return "", err
	}
	if !opts.Force {
		if err := refuseExisting(target); err != nil {
			return "", err
		}
	}
	return target, nil
}

// auditExportFailed records that the export to target, already in the
// audit log, failed with err.
func (c *Case) auditExportFailed(target string, err error) {
	c.update(func(tx *bolt.Tx) error {
		_, aerr := appendAudit(tx, c.now(), c.actor, ActionExportFailed, map[string]string{"bundle": filepath.Base(target), "error": err.Error()}, nil)
		return aerr
	})
}

// addSnapshot writes a snapshot of the case into dir and adds it to the
// bundle, checking that what was bundled is what was written. snap is the
// snapshot's path (for the caller to remove) once it exists.
func (c *Case) addSnapshot(ctx context.Context, z *bundleZip, dir string) (snap string, err error) {
	snap, snapMember, err := c.snapshot(ctx, dir)
	if err != nil {
		return "", err
	}
	if err := copyMember(ctx, z, MemberSnapshot, snap); err != nil {
		return snap, err
	}
	if err := z.finish(); err != nil {
		return snap, err
	}
	if got := z.members[len(z.members)-1]; got.SHA256 != snapMember.SHA256 || got.Size != snapMember.Size {
		return snap, fmt.Errorf("snapshot changed on disk while it was being bundled")
	}
	return snap, nil
}

// finishBundle writes the zip's directory and makes the bundle file
// durable: flushed, synced and closed.
func finishBundle(ctx context.Context, z *bundleZip, bw *bufio.Writer, f *os.File) error {
	if err := z.close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return ctx.Err()
}

// exportMedia adds a redacted copy of every usable photo to the bundle.
func (c *Case) exportMedia(ctx context.Context, z *bundleZip, redact PhotoRedactor) ([]MediaMember, []MediaSkip, error) {
	var evidence []Evidence
	var confirmed []ConfirmedMatch
	err := c.view(func(tx *bolt.Tx) (err error) {
		if evidence, err = readAllEvidence(tx); err != nil {
			return err
		}
		confirmed, err = readConfirmed(tx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	files := []MediaMember{}
	var skipped []MediaSkip
	for _, ev := range evidence {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if ev.Kind != KindPhoto {
			skipped = append(skipped, MediaSkip{EvidenceID: ev.ID, Name: ev.Name, Reason: ev.Kind + " files are not redacted, so not exported"})
			continue
		}
		if ch := checkEvidenceFile(ctx, ev, c.path, MediaCheckHash); ch.State != EvidenceOK {
			skipped = append(skipped, MediaSkip{EvidenceID: ev.ID, Name: ev.Name, Reason: fmt.Sprintf("file %s: %s", ch.State, ch.Detail)})
			continue
		}
		dets, err := c.FrameDetections(ev.ID, 0)
		if err != nil {
			return nil, nil, err
		}
		keepIDs := map[uint64]bool{}
		var keepBoxes []facedata.Rect
		for _, m := range confirmed {
			if m.Search.Probe.EvidenceID != ev.ID {
				continue
			}
			if m.Search.Probe.DetectionID != 0 {
				keepIDs[m.Search.Probe.DetectionID] = true
			} else if m.Search.Probe.Box != nil {
				keepBoxes = append(keepBoxes, *m.Search.Probe.Box)
			}
		}
		photo, err := redactPhoto(redact, c.EvidencePath(ev), ev.MediaType, dets, keepIDs, keepBoxes)
		if err != nil {
			skipped = append(skipped, MediaSkip{EvidenceID: ev.ID, Name: ev.Name, Reason: err.Error()})
			continue
		}
		name := mediaMemberName(ev, photo.ext)
		w, err := z.create(name)
		if err != nil {
			return nil, nil, err
		}
		if _, err := w.Write(photo.data); err != nil {
			return nil, nil, err
		}
		sum := sha256.Sum256(photo.data)
		files = append(files, MediaMember{EvidenceID: ev.ID, Member: name, Size: int64(len(photo.data)),
			SHA256: hex.EncodeToString(sum[:]), Blurred: photo.blurred, Kept: photo.kept})
	}
	return files, skipped, nil
}

// snapshot writes a consistent copy of the case file (bbolt's Tx.WriteTo
// in a read transaction, while the case stays open) to a temporary file
// in dir and returns its path and hash.
func (c *Case) snapshot(ctx context.Context, dir string) (string, BundleMember, error) {
	f, err := os.CreateTemp(dir, ".snapshot-*"+Extension)
	if err != nil {
		return "", BundleMember{}, err
	}
	h := sha256.New()
	var n int64
	err = c.view(func(tx *bolt.Tx) error {
		w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
		var err error
		if n, err = tx.WriteTo(w); err != nil {
			return err
		}
		return w.Flush()
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		os.Remove(f.Name())
		return "", BundleMember{}, fmt.Errorf("snapshot: %w", err)
	}
	return f.Name(), BundleMember{Name: MemberSnapshot, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// copyMember streams a file into the bundle.
func copyMember(ctx context.Context, z *bundleZip, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := z.create(name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, ctxReader{ctx, f})
	return err
}

// writeDerivedMembers writes the members built from the snapshot: the
// audit log, the detections, the report, the signed receipt (when signer
// is set) and, last, the manifest.
func writeDerivedMembers(ctx context.Context, z *bundleZip, snap string, signer *SigningKey) (AuditHead, *Receipt, error) {
	db, err := openBolt(snap, true, DefaultLockTimeout)
	if err != nil {
		return AuditHead{}, nil, fmt.Errorf("open snapshot: %w", err)
	}
	defer db.Close()
	var head AuditHead
	var receipt *Receipt
	err = guard(func() error {
		return db.View(func(tx *bolt.Tx) error {
			v, err := readCaseView(tx)
			if err != nil {
				return err
			}
			head = v.head
			members := []struct {
				name  string
				write func(io.Writer) error
			}{
				{MemberAuditLog, func(w io.Writer) error { return writeAuditJSONL(tx, w) }},
				{MemberDetections, func(w io.Writer) error { return writeDetectionsJSONL(ctx, tx, w) }},
				{MemberReport, func(w io.Writer) error { return writeReport(v, w) }},
			}
			if signer != nil {
				if receipt, err = exportReceipt(tx, v, signer); err != nil {
					return err
				}
				members = append(members, struct {
					name  string
					write func(io.Writer) error
				}{MemberReceipt, func(w io.Writer) error {
					raw, err := receipt.Indented()
					if err == nil {
						_, err = w.Write(raw)
					}
					return err
				}})
			}
			for _, m := range members {
				w, err := z.create(m.name)
				if err != nil {
					return err
				}
				if err := m.write(w); err != nil {
					return fmt.Errorf("%s: %w", m.name, err)
				}
			}
			if err := z.finish(); err != nil {
				return err
			}
			manifest, err := manifestBytes(v, z.members)
			if err != nil {
				return err
			}
			w, err := z.create(MemberManifest)
			if err != nil {
				return err
			}
			_, err = w.Write(manifest)
			return err
		})
	})
	return head, receipt, err
}

// exportReceipt is the signed receipt of a snapshot's audit chain, made
// at the export's time: the same snapshot and key always give the same
// receipt.
func exportReceipt(tx *bolt.Tx, v *caseView, signer *SigningKey) (*Receipt, error) {
	facts, err := readChainFacts(tx)
	if err != nil {
		return nil, err
	}
	return newReceipt(tx, facts, signer, ReceiptAtExport, v.details.Bundle, v.export.Time)
}

// ctxReader stops a copy when ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
