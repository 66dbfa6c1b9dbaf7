package casefile

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"facecase/internal/fsutil"
	"facecase/progress"
)

// BundleReport is the result of verifying an export bundle.
type BundleReport struct {
	Path string `json:"path"`
	// Size and SHA256 are of the whole bundle file.
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Members are the files found in the bundle, with their hashes.
	Members []BundleMember `json:"members"`
	// Export and AuditHead are as recorded in the bundle's manifest.
	Export    ManifestExport `json:"export"`
	AuditHead AuditHead      `json:"audit_head"`
	// Snapshot is the verification of the case snapshot inside.
	Snapshot *CaseReport `json:"snapshot,omitempty"`
	// Receipt is the bundle's signed receipt of the snapshot's audit
	// chain (receipt.json), when it has one and it verified.
	Receipt *Receipt `json:"receipt,omitempty"`
	// Findings lists what is damaged or changed (each place named once),
	// and the evidence of the snapshot whose analysis never finished: the
	// bundle is intact then, but the case it holds is incomplete.
	Findings
}

// Err is nil when the bundle verified, else an error matching
// ErrBundleInvalid that names the first problem (or ErrIncomplete naming
// the first item whose analysis never finished).
func (r *BundleReport) Err() error { return r.err(r.Path, ErrBundleInvalid) }

// VerifyBundle checks an export bundle without trusting any of it: every
// member is re-hashed against the manifest; the case snapshot is opened
// and verified (page structure, audit chain, every record against its
// audit entry); the audit log, detections list, report and manifest are
// rebuilt from the snapshot and compared line by line; and the zip file
// is rebuilt from its members and compared byte by byte, so a changed
// byte anywhere — content, header, directory — is named. Problems are in
// the report; the error is for a bundle that cannot be read at all.
func VerifyBundle(ctx context.Context, path string, rep progress.Reporter) (*BundleReport, error) {
	if rep == nil {
		rep = progress.Discard
	}
	p, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	f, err := fsutil.OpenRegular(p) // a named pipe would block here, a device never ends
	if errors.Is(err, fsutil.ErrNotRegular) {
		return nil, fmt.Errorf("verify bundle %s: %w: %w", p, ErrInvalid, err)
	}
	if err != nil {
		return nil, fmt.Errorf("verify bundle: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("verify bundle %s: %w", p, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("verify bundle %s: %w: not a regular file", p, ErrInvalid)
	}
	r := &BundleReport{Path: p, Size: st.Size()}
	tmpDir, err := os.MkdirTemp("", "facecase-verify-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmpDir)
	v := &bundleVerifier{ctx: ctx, f: f, r: r, tmpDir: tmpDir, rep: rep, start: time.Now()}
	if err := v.run(); err != nil {
		return nil, fmt.Errorf("verify bundle %s: %w", p, err)
	}
	return r, nil
}

type bundleVerifier struct {
	ctx      context.Context
	f        *os.File
	r        *BundleReport
	tmpDir   string
	rep      progress.Reporter
	start    time.Time
	zr       *zip.Reader
	manifest *Manifest
	rawMan   []byte
	snapPath string
	members  map[string]BundleMember
	damaged  map[string]bool // members whose content failed a check
}

func (v *bundleVerifier) run() error {
	zr, err := zip.NewReader(v.f, v.r.Size)
	if err != nil {
		v.r.addOnce("zip structure", "the file is not a readable zip: %v", err)
		return v.hashWholeFile()
	}
	v.zr = zr
	v.members = map[string]BundleMember{}
	v.damaged = map[string]bool{}
	v.checkNames()
	v.readManifest()
	if err := v.streamMembers(); err != nil {
		return err
	}
	v.checkAgainstManifest()
	if v.snapPath != "" {
		if err := v.checkSnapshot(); err != nil {
			return err
		}
	} else {
		v.r.addOnce("member "+MemberSnapshot, "missing: the bundle has no case snapshot")
	}
	return nil
}

func (v *bundleVerifier) hashWholeFile() error {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(v.f, 0, v.r.Size)); err != nil {
		return err
	}
	v.r.SHA256 = hex.EncodeToString(h.Sum(nil))
	return nil
}

func (v *bundleVerifier) checkNames() {
	seen := map[string]bool{}
	for _, zf := range v.zr.File {
		name := zf.Name
		if seen[name] {
			v.r.addOnce("member "+name, "appears twice")
		}
		seen[name] = true
		if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.Contains(name, "..") {
			v.r.addOnce("member "+name, "has a name facecase never writes")
		}
	}
}
