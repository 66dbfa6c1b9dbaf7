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
	var cc chainChecker
	c := tx.Bucket(bucketAudit).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		e, err := cc.next(k, v)
		if err != nil {
			return AuditHead{}, err
		}
		if visit != nil {
			if err := visit(e); err != nil {
				return AuditHead{}, err
			}
		}
	}
	head, err := readHead(tx)
	if err != nil {
		return AuditHead{}, err
	}
	return head, cc.end(head)
}

// chainChecker checks an audit chain one stored entry at a time, in key
// order; end checks the recorded head against the last entry.
type chainChecker struct {
	prev string // hash of the last entry checked (zeroHash at the start)
	last uint64
}

// next checks the entry stored at key k as v.
func (cc *chainChecker) next(k, v []byte) (AuditEntry, error) {
	if cc.prev == "" {
		cc.prev = zeroHash
	}
	if len(k) != 8 {
		return AuditEntry{}, &ChainError{Seq: cc.last + 1, Reason: fmt.Sprintf("has a malformed key %x", k)}
	}
	seq := keyU64(k)
	if seq != cc.last+1 {
		return AuditEntry{}, &ChainError{Seq: cc.last + 1, Reason: fmt.Sprintf("is missing (deleted): the log jumps from entry %d to %d", cc.last, seq)}
	}
	e, err := decodeAuditEntry(v)
	if err != nil {
		return AuditEntry{}, &ChainError{Seq: seq, Reason: fmt.Sprintf("is unreadable (edited): %v", err)}
	}
	if e.Seq != seq {
		return AuditEntry{}, &ChainError{Seq: seq, Reason: fmt.Sprintf("was edited: it says it is entry %d", e.Seq)}
	}
	if e.Prev != cc.prev {
		if seq == 1 {
			return AuditEntry{}, &ChainError{Seq: 1, Reason: "was edited: the first entry does not start the chain"}
		}
		return AuditEntry{}, &ChainError{Seq: seq - 1, Reason: fmt.Sprintf("was changed: its SHA-256 is %s but entry %d records %s", cc.prev, seq, e.Prev)}
	}
	cc.prev, cc.last = e.Hash, seq
	return e, nil
}

// end checks the head recorded for the chain against its last entry.
func (cc *chainChecker) end(head AuditHead) error {
	if cc.prev == "" {
		cc.prev = zeroHash
	}
	switch {
	case head.Seq > cc.last:
		return &ChainError{Seq: cc.last + 1, Reason: fmt.Sprintf("is missing (deleted): the log ends at entry %d but the case recorded %d entries", cc.last, head.Seq)}
	case head.Seq < cc.last:
		return &ChainError{Seq: head.Seq + 1, Reason: fmt.Sprintf("was added outside facecase: the case recorded %d entries", head.Seq)}
	case head.SHA256 != cc.prev:
		return &ChainError{Seq: cc.last, Reason: "was changed: its SHA-256 does not match the recorded head of the chain"}
	}
	return nil
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
