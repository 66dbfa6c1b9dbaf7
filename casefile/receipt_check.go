package casefile

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
)

// ReceiptStatus is how a case or bundle stands against a receipt.
type ReceiptStatus string

// Outcomes of checking a receipt.
const (
	// ReceiptMatches: the audit chain is exactly the one receipted.
	ReceiptMatches ReceiptStatus = "matches"
	// ReceiptExtended: the chain is the receipted one with later entries
	// added: nothing receipted was changed.
	ReceiptExtended ReceiptStatus = "extends"
	// ReceiptBroken: the chain was rewritten since the receipt was made
	// (or the receipt itself was altered or forged).
	ReceiptBroken ReceiptStatus = "does_not_match"
	// ReceiptOtherCase: the receipt is of another case's chain.
	ReceiptOtherCase ReceiptStatus = "other_case"
)

// ReceiptCheck is the outcome of checking a case or bundle against a
// receipt.
type ReceiptCheck struct {
	Receipt Receipt       `json:"receipt"`
	Status  ReceiptStatus `json:"status"`
	// Detail says why, in a sentence.
	Detail string `json:"detail"`
	// Entries is the number of audit entries the case holds now.
	Entries uint64 `json:"entries"`
	// ThisInstallation is true when the receipt was signed with the key
	// of the installation checking it (Check's key).
	ThisInstallation bool `json:"this_installation"`
}

// OK reports whether nothing receipted was changed.
func (ch ReceiptCheck) OK() bool { return ch.Status == ReceiptMatches || ch.Status == ReceiptExtended }

// check compares a receipt with a chain. local is this installation's
// public key (nil when it has none).
func (facts chainFacts) check(r Receipt, local ed25519.PublicKey) ReceiptCheck {
	ch := ReceiptCheck{Receipt: r, Entries: uint64(len(facts))}
	if local != nil {
		ch.ThisInstallation = r.PublicKey == base64.StdEncoding.EncodeToString(local)
	}
	n := r.Chain.Entries
	switch err := r.checkSignature(); {
	case err != nil:
		ch.Status, ch.Detail = ReceiptBroken, "the receipt is not valid: "+err.Error()
	case len(facts) == 0 || r.Chain.First != facts[0]:
		ch.Status, ch.Detail = ReceiptOtherCase, fmt.Sprintf("the receipt is of another case (its audit chain starts with %s)", r.Chain.First)
	case n == 0 || n > uint64(len(facts)):
		ch.Status, ch.Detail = ReceiptBroken, fmt.Sprintf("the audit log has %d entries, the receipt records %d: entries were deleted", len(facts), n)
	case facts[n-1] != r.Chain.Head:
		ch.Status, ch.Detail = ReceiptBroken, fmt.Sprintf("audit entry %d has SHA-256 %s, the receipt records %s: the chain was rewritten", n, facts[n-1], r.Chain.Head)
	case n == uint64(len(facts)):
		ch.Status, ch.Detail = ReceiptMatches, fmt.Sprintf("the audit log is exactly as receipted: %d entries, newest SHA-256 %s", n, r.Chain.Head)
	default:
		ch.Status, ch.Detail = ReceiptExtended, fmt.Sprintf("the audit log extends the receipt: entries 1 to %d are as receipted, %d were added since", n, uint64(len(facts))-n)
	}
	return ch
}

// CheckReceipts checks the verified case against receipts: those of
// this case's chain are checked, others are skipped (and counted). It
// needs a report of Verify whose audit chain was intact.
func (r *CaseReport) CheckReceipts(receipts []Receipt, local ed25519.PublicKey) ([]ReceiptCheck, int, error) {
	return checkReceipts(r.chain, receipts, local)
}

// CheckReceipts checks the bundle's case snapshot against receipts, as
// CaseReport.CheckReceipts.
func (r *BundleReport) CheckReceipts(receipts []Receipt, local ed25519.PublicKey) ([]ReceiptCheck, int, error) {
	if r.Snapshot == nil {
		return nil, 0, fmt.Errorf("%w: the bundle's case snapshot could not be checked", ErrBundleInvalid)
	}
	return r.Snapshot.CheckReceipts(receipts, local)
}

func checkReceipts(facts chainFacts, receipts []Receipt, local ed25519.PublicKey) ([]ReceiptCheck, int, error) {
	if len(facts) == 0 {
		return nil, 0, fmt.Errorf("%w: the audit chain is broken, so no receipt can be checked", ErrTampered)
	}
	var out []ReceiptCheck
	other := 0
	for _, rc := range receipts {
		ch := facts.check(rc, local)
		if ch.Status == ReceiptOtherCase && len(receipts) > 1 {
			other++
			continue
		}
		out = append(out, ch)
	}
	return out, other, nil
}

// sameBytes reports whether a stored receipt is exactly how r renders.
func sameBytes(stored []byte, r *Receipt) bool {
	want, err := r.Indented()
	return err == nil && bytes.Equal(stored, want)
}
