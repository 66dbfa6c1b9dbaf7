package casefile

import (
	"bytes"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
)

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
		v.r.addOnce(where, "is not a receipt: %v", err)
		return
	}
	r := receipts[0]
	facts, err := readChainFacts(tx)
	if err != nil {
		v.r.addOnce(where, "cannot be checked: %v", err)
		return
	}
	ch := facts.check(r, nil)
	switch {
	case ch.Status != ReceiptMatches:
		v.r.addOnce(where, "does not match the snapshot: %s", ch.Detail)
	case r.KeyID != view.details.ReceiptKey:
		v.r.addOnce(where, "is signed by key %s, the export recorded key %s", r.KeyID, view.details.ReceiptKey)
	case r.Event != ReceiptAtExport || r.Bundle != view.details.Bundle || !r.Time.Equal(view.export.Time) ||
		r.Case != (ReceiptCase{Number: view.info.Number, Title: view.info.Title}):
		v.r.addOnce(where, "is not the receipt of this export (%s %q at %s)", r.Event, r.Bundle, r.Time.Format(time.RFC3339))
	case !sameBytes(raw, &r):
		v.r.addOnce(where, "holds more or other bytes than the receipt facecase writes")
	default:
		v.r.Receipt = &r
	}
}
