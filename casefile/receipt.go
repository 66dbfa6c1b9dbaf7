package casefile

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ReceiptFormat is the "format" of every receipt.
const ReceiptFormat = "facecase-receipt"

// Events a receipt is made at.
const (
	ReceiptAtExport = "export"  // in and beside an export bundle
	ReceiptAtClose  = "close"   // when a case opened for writing is closed
	ReceiptOnDemand = "request" // facecase-cli case receipt
)

// Receipt is a signed statement, kept outside the case, of its audit
// chain at one moment: how many entries it had, the SHA-256 of the newest
// and of the first (which names the chain). A case whose chain was
// rewritten since (an entry deleted and the head fixed, or an entry edited
// and the chain recomputed) no longer matches it, and only the signing
// key can make a receipt for the rewritten chain. It is small JSON a
// clerk can file or print.
type Receipt struct {
	Format string      `json:"format"`
	Case   ReceiptCase `json:"case"`
	Event  string      `json:"event"`
	// Bundle is the bundle's file name (export receipts).
	Bundle string       `json:"bundle,omitempty"`
	Time   time.Time    `json:"time"`
	Chain  ReceiptChain `json:"audit_chain"`
	// KeyID and PublicKey (base64) name the installation key that signed
	// it; Signature (base64) is its Ed25519 signature of the receipt
	// without the signature.
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"`
	Signature string `json:"signature"`
}

// ReceiptCase says which case a receipt is of, for people.
type ReceiptCase struct {
	Number string `json:"number"`
	Title  string `json:"title"`
}

// ReceiptChain is the audit chain as receipted.
type ReceiptChain struct {
	Entries uint64 `json:"entries"`
	// Head is the SHA-256 of entry Entries, First that of entry 1.
	Head  string `json:"head_sha256"`
	First string `json:"first_sha256"`
}

// receiptDomain starts the signed bytes, so a receipt signature is never
// valid for anything else.
const receiptDomain = "facecase receipt v1\n"

// signedBytes is what the signature covers.
func (r *Receipt) signedBytes() ([]byte, error) {
	u := *r
	u.Signature = ""
	raw, err := json.Marshal(&u)
	if err != nil {
		return nil, err
	}
	return append([]byte(receiptDomain), raw...), nil
}

// sign fills in the key and signature.
func (r *Receipt) sign(k *SigningKey) error {
	r.KeyID, r.PublicKey = k.ID(), base64.StdEncoding.EncodeToString(k.PublicKey())
	msg, err := r.signedBytes()
	if err != nil {
		return err
	}
	r.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(k.priv, msg))
	return nil
}

// checkSignature verifies the signature with the key the receipt names.
func (r *Receipt) checkSignature() error {
	pub, err := base64.StdEncoding.DecodeString(r.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return errors.New("its public key is malformed")
	}
	if keyID(pub) != r.KeyID {
		return errors.New("its key id does not belong to its public key")
	}
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil {
		return errors.New("its signature is malformed")
	}
	msg, err := r.signedBytes()
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, msg, sig) {
		return errors.New("its signature does not verify: the receipt was altered, or not made by the key it names")
	}
	return nil
}

// Indented is the receipt as indented JSON (how it is printed and stored
// in a bundle).
func (r *Receipt) Indented() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	err := enc.Encode(r)
	return buf.Bytes(), err
}

// Compact is the receipt as one line of JSON (how the journal keeps it).
func (r *Receipt) Compact() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(r)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

// maxReceiptsSize bounds a receipt file read into memory.
const maxReceiptsSize = 64 << 20

// ParseReceipts reads one or more receipts (a receipt file, or a journal
// of one receipt per line). Fields it does not know are refused, so
// nothing unsigned passes for part of a receipt.
func ParseReceipts(r io.Reader) ([]Receipt, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxReceiptsSize))
	dec.DisallowUnknownFields()
	var out []Receipt
	for {
		var rc Receipt
		err := dec.Decode(&rc)
		if err == io.EOF {
			break
		}
		if err != nil {
			return out, fmt.Errorf("%w: receipt %d: %v", ErrInvalid, len(out)+1, err)
		}
		if rc.Format != ReceiptFormat {
			return out, fmt.Errorf("%w: receipt %d: format %q is not %q", ErrInvalid, len(out)+1, rc.Format, ReceiptFormat)
		}
		out = append(out, rc)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no receipt", ErrInvalid)
	}
	return out, nil
}

// chainFacts is what checking a receipt needs of an audit chain: the
// SHA-256 (hex) of every entry, in order.
type chainFacts []string

// readChainFacts walks the chain (which must be intact).
func readChainFacts(tx *bolt.Tx) (chainFacts, error) {
	var facts chainFacts
	_, err := walkAudit(tx, func(e AuditEntry) error {
		facts = append(facts, e.Hash)
		return nil
	})
	return facts, err
}

// newReceipt makes the signed receipt of a chain.
func newReceipt(tx *bolt.Tx, facts chainFacts, key *SigningKey, event, bundle string, at time.Time) (*Receipt, error) {
	if len(facts) == 0 {
		return nil, fmt.Errorf("%w: the audit log is empty", ErrCorrupt)
	}
	info, err := readInfo(tx)
	if err != nil {
		return nil, err
	}
	r := &Receipt{Format: ReceiptFormat, Case: ReceiptCase{Number: info.Number, Title: info.Title}, Event: event, Bundle: bundle,
		Time: at.UTC(), Chain: ReceiptChain{Entries: uint64(len(facts)), Head: facts[len(facts)-1], First: facts[0]}}
	return r, r.sign(key)
}

// Receipt makes a signed receipt of the case's audit chain as it is now.
func (c *Case) Receipt(key *SigningKey, event string) (*Receipt, error) {
	var r *Receipt
	err := c.view(func(tx *bolt.Tx) error {
		facts, err := readChainFacts(tx)
		if err != nil {
			return err
		}
		r, err = newReceipt(tx, facts, key, event, "", c.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("receipt of %s: %w", c.path, err)
	}
	return r, nil
}

// firstEntryHash is the SHA-256 of the chain's first entry (it names the
// chain), read without walking it.
func firstEntryHash(tx *bolt.Tx) string {
	sum := sha256.Sum256(tx.Bucket(bucketAudit).Get(u64Key(1)))
	return hex.EncodeToString(sum[:])
}
