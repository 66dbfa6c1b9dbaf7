package casefile

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ChainError names the first audit entry that breaks the hash chain. It
// matches ErrTampered with errors.Is.
type ChainError struct {
	// Seq is the entry that was changed, deleted or added outside facecase.
	Seq uint64
	// Reason says what is wrong with it.
	Reason string
}

// Error says which entry is wrong and how.
func (e *ChainError) Error() string { return fmt.Sprintf("audit entry %d %s", e.Seq, e.Reason) }

// Unwrap makes errors.Is(err, ErrTampered) true.
func (e *ChainError) Unwrap() error { return ErrTampered }

// walkAudit reads the audit log in order, checking every link of the hash
// chain and the head kept in the meta bucket, and calls visit for each
// entry that passed. It stops at the first break with a *ChainError.
func walkAudit(tx *bolt.Tx, visit func(AuditEntry) error) (AuditHead, error) {
	prev := zeroHash
	var last uint64
	c := tx.Bucket(bucketAudit).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			return AuditHead{}, &ChainError{Seq: last + 1, Reason: fmt.Sprintf("has a malformed key %x", k)}
		}
		seq := keyU64(k)
		if seq != last+1 {
			return AuditHead{}, &ChainError{Seq: last + 1, Reason: fmt.Sprintf("is missing (deleted): the log jumps from entry %d to %d", last, seq)}
		}
		e, err := decodeAuditEntry(v)
		if err != nil {
			return AuditHead{}, &ChainError{Seq: seq, Reason: fmt.Sprintf("is unreadable (edited): %v", err)}
		}
		if e.Seq != seq {
			return AuditHead{}, &ChainError{Seq: seq, Reason: fmt.Sprintf("was edited: it says it is entry %d", e.Seq)}
		}
		if e.Prev != prev {
			if seq == 1 {
				return AuditHead{}, &ChainError{Seq: 1, Reason: "was edited: the first entry does not start the chain"}
			}
			return AuditHead{}, &ChainError{Seq: seq - 1, Reason: fmt.Sprintf("was changed: its SHA-256 is %s but entry %d records %s", prev, seq, e.Prev)}
		}
		if visit != nil {
			if err := visit(e); err != nil {
				return AuditHead{}, err
			}
		}
		prev, last = e.Hash, seq
	}
	head, err := readHead(tx)
	if err != nil {
		return AuditHead{}, err
	}
	switch {
	case head.Seq > last:
		return AuditHead{}, &ChainError{Seq: last + 1, Reason: fmt.Sprintf("is missing (deleted): the log ends at entry %d but the case recorded %d entries", last, head.Seq)}
	case head.Seq < last:
		return AuditHead{}, &ChainError{Seq: head.Seq + 1, Reason: fmt.Sprintf("was added outside facecase: the case recorded %d entries", head.Seq)}
	case head.SHA256 != prev:
		return AuditHead{}, &ChainError{Seq: last, Reason: "was changed: its SHA-256 does not match the recorded head of the chain"}
	}
	return head, nil
}

// AuditLog returns every audit entry, oldest first. It fails with a
// *ChainError (matching ErrTampered) at the first broken link.
func (c *Case) AuditLog() ([]AuditEntry, error) {
	var out []AuditEntry
	err := c.view(func(tx *bolt.Tx) error {
		_, err := walkAudit(tx, func(e AuditEntry) error {
			out = append(out, e)
			return nil
		})
		return err
	})
	if err != nil {
		return out, fmt.Errorf("audit log of %s: %w", c.path, err)
	}
	return out, nil
}

// VerifyAudit walks the whole chain and returns its head, or a *ChainError
// naming the first entry that was changed, deleted or added.
func (c *Case) VerifyAudit() (AuditHead, error) {
	var head AuditHead
	err := c.view(func(tx *bolt.Tx) (err error) {
		head, err = walkAudit(tx, nil)
		return err
	})
	if err != nil {
		return head, fmt.Errorf("verify audit log of %s: %w", c.path, err)
	}
	return head, nil
}

// AuditHead returns the newest entry's sequence number and hash without
// walking the chain.
func (c *Case) AuditHead() (AuditHead, error) {
	var head AuditHead
	err := c.view(func(tx *bolt.Tx) (err error) {
		head, err = readHead(tx)
		return err
	})
	return head, err
}
