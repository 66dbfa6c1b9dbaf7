package casefile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// checkSnapshot verifies the snapshot as a case and rebuilds the derived
// members and the manifest from it.
func (v *bundleVerifier) checkSnapshot() error {
	if err := checkFile(v.snapPath); err != nil {
		v.r.addOnce("member "+MemberSnapshot, "is not a usable case file: %v", err)
		return nil
	}
	db, err := openBolt(v.snapPath, true, DefaultLockTimeout)
	if err != nil {
		v.r.addOnce("member "+MemberSnapshot, "cannot be opened: %v", err)
		return nil
	}
	defer db.Close()
	sc := &Case{path: MemberSnapshot, db: db, readOnly: true}
	cr, err := sc.verify(v.ctx, VerifyOptions{SkipMedia: true})
	if err != nil {
		if v.ctx.Err() != nil {
			return err
		}
		v.r.addOnce("member "+MemberSnapshot, "%v", err)
		return nil
	}
	v.r.Snapshot = cr
	for _, p := range cr.Problems {
		v.r.addOnce("snapshot: "+p.Where, "%s", p.What)
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
		v.r.addOnce("member "+MemberSnapshot, "%v", err)
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
			v.r.addOnce("member "+mf.Member, "was changed: its SHA-256 is not the one the export recorded in the audit log")
		} else if !ok {
			v.r.addOnce("member "+mf.Member, "missing (deleted)")
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
			v.r.addOnce("member "+d.name, "missing (deleted)")
		case got.SHA256 != want.SHA256:
			v.r.addOnce("member "+d.name+v.firstDifferentLine(d.name, d.write), "differs from what the case snapshot gives (changed)")
		}
	}
	if view.details.ReceiptKey != "" {
		if got, ok := v.members[MemberReceipt]; ok {
			expected = append(expected, got)
			v.checkReceipt(tx, view)
		} else {
			v.r.addOnce("member "+MemberReceipt, "missing (deleted): the export recorded a receipt signed by key %s", view.details.ReceiptKey)
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
		v.r.addOnce("bundle members", "found %v, the snapshot's export record gives %v", found, order)
	}
	manifest, err := manifestBytes(view, expected)
	if err != nil {
		return err
	}
	if v.rawMan != nil && !bytes.Equal(manifest, v.rawMan) {
		line, got, want := diffLines(bytes.NewReader(v.rawMan), bytes.NewReader(manifest))
		v.r.addOnce(fmt.Sprintf("member %s line %d", MemberManifest, line), "is %q, the case snapshot gives %q", got, want)
	}
	return nil
}
