package casefile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

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
	// Problems is empty when the bundle verified.
	Problems []Problem `json:"problems,omitempty"`
	// Unfinished names the evidence of the snapshot whose analysis never
	// finished: the bundle is intact but the case it holds is incomplete.
	Unfinished []Problem `json:"unfinished,omitempty"`

	seen map[string]bool
}

// OK reports whether nothing was found wrong and nothing is unfinished.
func (r *BundleReport) OK() bool { return r.Intact() && len(r.Unfinished) == 0 }

// Intact reports whether nothing was found changed or damaged.
func (r *BundleReport) Intact() bool { return len(r.Problems) == 0 }

// Err is nil when the bundle verified, else an error matching
// ErrBundleInvalid that names the first problem (or ErrIncomplete naming
// the first item whose analysis never finished).
func (r *BundleReport) Err() error {
	return reportErr(r.Path, r.Problems, r.Unfinished, ErrBundleInvalid)
}

// add records a problem once per place.
func (r *BundleReport) add(where, format string, args ...any) {
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if r.seen[where] {
		return
	}
	r.seen[where] = true
	r.Problems = append(r.Problems, Problem{Where: where, What: fmt.Sprintf(format, args...)})
}

// maxManifestSize bounds the manifest read into memory.
const maxManifestSize = 256 << 20

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
		v.r.add("zip structure", "the file is not a readable zip: %v", err)
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
		v.r.add("member "+MemberSnapshot, "missing: the bundle has no case snapshot")
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
			v.r.add("member "+name, "appears twice")
		}
		seen[name] = true
		if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.Contains(name, "..") {
			v.r.add("member "+name, "has a name facecase never writes")
		}
	}
}

func (v *bundleVerifier) readManifest() {
	for _, zf := range v.zr.File {
		if zf.Name != MemberManifest {
			continue
		}
		if zf.UncompressedSize64 > maxManifestSize {
			v.r.add("member "+MemberManifest, "is %d bytes, too large to be a manifest", zf.UncompressedSize64)
			return
		}
		rc, err := zf.Open()
		if err != nil {
			v.r.add("member "+MemberManifest, "cannot be read: %v", err)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(rc, maxManifestSize))
		rc.Close()
		if err != nil {
			v.r.add("member "+MemberManifest, "is damaged: %v", err)
			v.damaged[MemberManifest] = true
		}
		m, jerr := parseManifest(raw)
		if jerr != nil {
			v.r.add("member "+MemberManifest, "is not a valid manifest: %v", jerr)
			v.damaged[MemberManifest] = true
			return
		}
		v.manifest, v.rawMan = m, raw
		v.r.Export, v.r.AuditHead = m.Export, m.AuditHead
		return
	}
	v.r.add("member "+MemberManifest, "missing")
}

// parseManifest reads a bundle's manifest.json. What it says is only
// trusted once the manifest rebuilt from the snapshot equals it byte for
// byte (see rebuild).
func parseManifest(raw []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.Format != "facecase-bundle" {
		return nil, fmt.Errorf("format %q is not facecase-bundle", m.Format)
	}
	return &m, nil
}

// streamMembers reads every member once: it hashes it, extracts the
// snapshot, and rebuilds the zip from the contents into a comparer that
// reads the original file alongside.
func (v *bundleVerifier) streamMembers() error {
	cmp := &fileComparer{r: bufio.NewReaderSize(io.NewSectionReader(v.f, 0, v.r.Size), 1<<20), h: sha256.New(), firstDiff: -1}
	var dosTime, dosDate uint16
	if len(v.zr.File) > 0 {
		dosTime, dosDate = v.zr.File[0].ModifiedTime, v.zr.File[0].ModifiedDate
	}
	z := newBundleZipDOS(cmp, dosTime, dosDate)
	for i, zf := range v.zr.File {
		if err := v.ctx.Err(); err != nil {
			return err
		}
		w, err := z.create(zf.Name)
		if err != nil {
			v.r.add("zip structure", "%v", err)
			break
		}
		if zf.ModifiedTime != dosTime || zf.ModifiedDate != dosDate {
			v.r.add("member "+zf.Name, "has a different timestamp from the other members")
		}
		var sink io.Writer = w
		var snap *os.File
		if zf.Name == MemberSnapshot && v.snapPath == "" {
			snap, err = os.Create(filepath.Join(v.tmpDir, "snapshot"+Extension))
			if err != nil {
				return err
			}
			sink = io.MultiWriter(w, snap)
		}
		if zf.Method != zip.Store {
			v.r.add("member "+zf.Name, "is compressed (method %d); facecase stores members uncompressed", zf.Method)
		}
		rc, err := zf.OpenRaw()
		if err == nil {
			var n int64
			n, err = io.Copy(sink, io.LimitReader(rc, int64(zf.CompressedSize64)))
			if err == nil && uint64(n) != zf.CompressedSize64 {
				err = io.ErrUnexpectedEOF
			}
		}
		if err != nil {
			v.r.add("member "+zf.Name, "cannot be read: %v", err)
			v.damaged[zf.Name] = true
		}
		if snap != nil {
			if cerr := snap.Close(); cerr != nil {
				return cerr
			}
			if err == nil {
				v.snapPath = snap.Name()
			}
		}
		if err := z.finish(); err != nil {
			v.r.add("zip structure", "%v", err)
			break
		}
		m := z.members[len(z.members)-1]
		if z.crcs[len(z.crcs)-1] != zf.CRC32 {
			v.r.add("member "+zf.Name, "content does not match its CRC-32 in the zip directory (changed)")
			v.damaged[zf.Name] = true
		}
		v.r.Members = append(v.r.Members, m)
		v.members[m.Name] = m
		v.rep.Report(progress.Update{Stage: "verify", Done: int64(i + 1), Total: int64(len(v.zr.File)), Unit: "members", Item: zf.Name, Elapsed: time.Since(v.start)})
	}
	if err := z.close(); err != nil {
		v.r.add("zip structure", "%v", err)
	}
	if err := cmp.finish(); err != nil {
		return err
	}
	v.r.SHA256 = hex.EncodeToString(cmp.h.Sum(nil))
	if cmp.firstDiff >= 0 {
		member, what := z.region(cmp.firstDiff)
		if member == "" || !v.damaged[member] || what != "content" {
			where := "zip structure"
			if member != "" {
				where = fmt.Sprintf("zip structure (%s of member %s)", what, member)
			} else {
				where = fmt.Sprintf("zip structure (%s)", what)
			}
			v.r.add(where, "byte at offset %d differs from what facecase writes", cmp.firstDiff)
		}
	}
	if cmp.extra > 0 {
		v.r.add("zip structure", "%d bytes were appended after the end of the zip", cmp.extra)
	}
	if v.manifest != nil {
		want := newBundleZip(io.Discard, v.manifest.Export.Time)
		if want.dosTime != dosTime || want.dosDate != dosDate {
			v.r.add("zip structure", "member timestamps differ from the export time in the manifest")
		}
	}
	return nil
}

// checkAgainstManifest compares every member with the manifest's list.
func (v *bundleVerifier) checkAgainstManifest() {
	if v.manifest == nil {
		return
	}
	listed := map[string]BundleMember{}
	for _, m := range v.manifest.Members {
		listed[m.Name] = m
	}
	for _, m := range v.r.Members {
		if m.Name == MemberManifest {
			continue
		}
		want, ok := listed[m.Name]
		switch {
		case !ok:
			v.r.add("member "+m.Name, "is not listed in the manifest (added)")
		case want.SHA256 != m.SHA256 || want.Size != m.Size:
			v.r.add("member "+m.Name, "was changed: SHA-256 %s, the manifest records %s", m.SHA256, want.SHA256)
			v.damaged[m.Name] = true
		}
	}
	for _, m := range v.manifest.Members {
		if _, ok := v.members[m.Name]; !ok {
			v.r.add("member "+m.Name, "listed in the manifest but missing (deleted)")
		}
	}
}

// checkSnapshot verifies the snapshot as a case and rebuilds the derived
// members and the manifest from it.
func (v *bundleVerifier) checkSnapshot() error {
	if err := checkFile(v.snapPath); err != nil {
		v.r.add("member "+MemberSnapshot, "is not a usable case file: %v", err)
		return nil
	}
	db, err := openBolt(v.snapPath, true, DefaultLockTimeout)
	if err != nil {
		v.r.add("member "+MemberSnapshot, "cannot be opened: %v", err)
		return nil
	}
	defer db.Close()
	sc := &Case{path: MemberSnapshot, db: db, readOnly: true}
	cr, err := sc.verify(v.ctx, VerifyOptions{SkipMedia: true})
	if err != nil {
		if v.ctx.Err() != nil {
			return err
		}
		v.r.add("member "+MemberSnapshot, "%v", err)
		return nil
	}
	v.r.Snapshot = cr
	for _, p := range cr.Problems {
		v.r.add("snapshot: "+p.Where, "%s", p.What)
	}
	for _, p := range cr.Unfinished {
		v.r.Unfinished = append(v.r.Unfinished, Problem{Where: "snapshot: " + p.Where, What: p.What})
	}
	if !cr.Intact() {
		return nil
	}
	err = guard(func() error {
		return db.View(func(tx *bolt.Tx) error { return v.rebuild(tx) })
	})
	if err != nil && v.ctx.Err() != nil {
		return err
	}
	if err != nil {
		v.r.add("member "+MemberSnapshot, "%v", err)
	}
	return nil
}

// rebuild regenerates the derived members and the manifest and compares
// them with the bundle's.
func (v *bundleVerifier) rebuild(tx *bolt.Tx) error {
	view, err := readCaseView(tx)
	if err != nil {
		return err
	}
	derived := []struct {
		name  string
		write func(io.Writer) error
	}{
		{MemberAuditLog, func(w io.Writer) error { return writeAuditJSONL(tx, w) }},
		{MemberDetections, func(w io.Writer) error { return writeDetectionsJSONL(v.ctx, tx, w) }},
		{MemberReport, func(w io.Writer) error { return writeReport(view, w) }},
	}
	var expected []BundleMember
	for _, mf := range view.details.MediaFiles {
		expected = append(expected, BundleMember{Name: mf.Member, Size: mf.Size, SHA256: mf.SHA256})
		if got, ok := v.members[mf.Member]; ok && got.SHA256 != mf.SHA256 {
			v.r.add("member "+mf.Member, "was changed: its SHA-256 is not the one the export recorded in the audit log")
		} else if !ok {
			v.r.add("member "+mf.Member, "missing (deleted)")
		}
	}
	if snap, ok := v.members[MemberSnapshot]; ok {
		expected = append(expected, snap)
	}
	for _, d := range derived {
		h := sha256.New()
		cw := &countWriter{w: h}
		if err := d.write(cw); err != nil {
			return fmt.Errorf("rebuild %s: %w", d.name, err)
		}
		want := BundleMember{Name: d.name, Size: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}
		expected = append(expected, want)
		got, ok := v.members[d.name]
		switch {
		case !ok:
			v.r.add("member "+d.name, "missing (deleted)")
		case got.SHA256 != want.SHA256:
			v.r.add("member "+d.name+v.firstDifferentLine(d.name, d.write), "differs from what the case snapshot gives (changed)")
		}
	}
	if view.details.ReceiptKey != "" {
		if got, ok := v.members[MemberReceipt]; ok {
			expected = append(expected, got)
			v.checkReceipt(tx, view)
		} else {
			v.r.add("member "+MemberReceipt, "missing (deleted): the export recorded a receipt signed by key %s", view.details.ReceiptKey)
		}
	}
	order := make([]string, 0, len(expected)+1)
	for _, m := range expected {
		order = append(order, m.Name)
	}
	order = append(order, MemberManifest)
	var found []string
	for _, m := range v.r.Members {
		found = append(found, m.Name)
	}
	if strings.Join(order, "\n") != strings.Join(found, "\n") {
		v.r.add("bundle members", "found %v, the snapshot's export record gives %v", found, order)
	}
	manifest, err := manifestBytes(view, expected)
	if err != nil {
		return err
	}
	if v.rawMan != nil && !bytes.Equal(manifest, v.rawMan) {
		line, got, want := diffLines(bytes.NewReader(v.rawMan), bytes.NewReader(manifest))
		v.r.add(fmt.Sprintf("member %s line %d", MemberManifest, line), "is %q, the case snapshot gives %q", got, want)
	}
	return nil
}

// maxReceiptMember bounds the receipt member read into memory.
const maxReceiptMember = 64 << 10

// checkReceipt checks the bundle's receipt: signed by the key the export
// recorded, of the snapshot's audit chain exactly, made at the export, and
// stored as facecase renders it.
func (v *bundleVerifier) checkReceipt(tx *bolt.Tx, view *caseView) {
	where := "member " + MemberReceipt
	var raw []byte
	for _, zf := range v.zr.File {
		if zf.Name == MemberReceipt && zf.CompressedSize64 <= maxReceiptMember {
			if rc, err := zf.OpenRaw(); err == nil {
				raw, _ = io.ReadAll(io.LimitReader(rc, int64(zf.CompressedSize64)))
			}
		}
	}
	receipts, err := ParseReceipts(bytes.NewReader(raw))
	if err != nil || len(receipts) != 1 {
		v.r.add(where, "is not a receipt: %v", err)
		return
	}
	r := receipts[0]
	facts, err := readChainFacts(tx)
	if err != nil {
		v.r.add(where, "cannot be checked: %v", err)
		return
	}
	ch := facts.check(r, nil)
	switch {
	case ch.Status != ReceiptMatches:
		v.r.add(where, "does not match the snapshot: %s", ch.Detail)
	case r.KeyID != view.details.ReceiptKey:
		v.r.add(where, "is signed by key %s, the export recorded key %s", r.KeyID, view.details.ReceiptKey)
	case r.Event != ReceiptAtExport || r.Bundle != view.details.Bundle || !r.Time.Equal(view.export.Time) ||
		r.Case != (ReceiptCase{Number: view.info.Number, Title: view.info.Title}):
		v.r.add(where, "is not the receipt of this export (%s %q at %s)", r.Event, r.Bundle, r.Time.Format(time.RFC3339))
	case !sameBytes(raw, &r):
		v.r.add(where, "holds more or other bytes than the receipt facecase writes")
	default:
		v.r.Receipt = &r
	}
}

// firstDifferentLine names the first line of a member that differs from
// its rebuilt version, as " line N".
func (v *bundleVerifier) firstDifferentLine(name string, write func(io.Writer) error) string {
	for _, zf := range v.zr.File {
		if zf.Name != name {
			continue
		}
		rc, err := zf.OpenRaw()
		if err != nil {
			return ""
		}
		pr, pw := io.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			pw.CloseWithError(write(pw))
		}()
		line, _, _ := diffLines(io.LimitReader(rc, int64(zf.CompressedSize64)), pr)
		pr.Close()
		<-done // the writer reads the snapshot's transaction: let it finish first
		if line > 0 {
			return fmt.Sprintf(" line %d", line)
		}
	}
	return ""
}

// diffLines returns the first line (1-based) where got and want differ,
// with both versions (shortened), or 0 when they are equal.
func diffLines(got, want io.Reader) (int, string, string) {
	g, w := bufio.NewReader(got), bufio.NewReader(want)
	for line := 1; ; line++ {
		a, errA := g.ReadString('\n')
		b, errB := w.ReadString('\n')
		if a != b {
			return line, shorten(a), shorten(b)
		}
		if errA != nil || errB != nil {
			if errA == nil || errB == nil {
				return line + 1, "", ""
			}
			return 0, "", ""
		}
	}
}

func shorten(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// fileComparer compares what is written to it with the original file,
// read alongside, noting the first differing offset; it also hashes the
// original.
type fileComparer struct {
	r         *bufio.Reader
	h         hash.Hash
	off       int64
	firstDiff int64
	extra     int64
	buf       []byte
}

func (c *fileComparer) Write(p []byte) (int, error) {
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	b := c.buf[:len(p)]
	n, err := io.ReadFull(c.r, b)
	c.h.Write(b[:n])
	if c.firstDiff < 0 {
		for i := 0; i < n; i++ {
			if b[i] != p[i] {
				c.firstDiff = c.off + int64(i)
				break
			}
		}
		if n < len(p) && c.firstDiff < 0 {
			c.firstDiff = c.off + int64(n) // the original is shorter
		}
	}
	c.off += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, err
	}
	return len(p), nil
}

// finish hashes what is left of the original: bytes nobody wrote.
func (c *fileComparer) finish() error {
	n, err := io.Copy(c.h, c.r)
	c.extra = n
	return err
}
