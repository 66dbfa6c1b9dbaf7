package session

import (
	"errors"
	"fmt"

	"facecase/casefile"
)

// CloseWithReceipt closes the case like Close. A case open for writing
// first gets the signed receipt of its audit chain as closed, kept in the
// installation's receipt journal (in the user's config folder, outside
// every case), which 'facecase-cli verify --receipt' checks the case or a
// bundle against later. It returns the receipt (nil for a read-only
// case); a receipt that could not be made does not keep the case open.
func (s *Session) CloseWithReceipt() (*casefile.Receipt, error) {
	var r *casefile.Receipt
	var rerr error
	if !s.ReadOnly() {
		r, rerr = s.closeReceipt()
	}
	err := s.Close()
	if rerr != nil {
		rerr = fmt.Errorf("case closed without a receipt: %w", rerr)
	}
	return r, errors.Join(err, rerr)
}

func (s *Session) closeReceipt() (*casefile.Receipt, error) {
	dir, err := casefile.KeyDir()
	if err != nil {
		return nil, err
	}
	key, err := casefile.LoadOrCreateSigningKey(dir)
	if err != nil {
		return nil, err
	}
	r, err := s.Receipt(key, casefile.ReceiptAtClose)
	if err != nil {
		return nil, err
	}
	_, err = casefile.AppendJournal(dir, r)
	return r, err
}
