package casefile

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	bolt "go.etcd.io/bbolt"
)

// CaseInfo is the case record: what the case is and under whose authority
// faces are searched in it.
type CaseInfo struct {
	// Number is the case or crime reference number (required).
	Number string `json:"number"`
	// Title is a short description (required).
	Title string `json:"title"`
	// Investigator is who runs the case (required); Create records the
	// creation under this name.
	Investigator string `json:"investigator"`
	// Purpose says why faces are searched (the legal purpose).
	Purpose string `json:"purpose"`
	// Authorisation is the reference of the authorisation to search.
	Authorisation string `json:"authorisation"`
	// Created is set by Create.
	Created time.Time `json:"created"`
}

func (i *CaseInfo) normalise() error {
	for _, f := range []*string{&i.Number, &i.Title, &i.Investigator, &i.Purpose, &i.Authorisation} {
		*f = strings.TrimSpace(*f)
		if err := checkText(*f); err != nil {
			return err
		}
	}
	switch {
	case i.Number == "":
		return fmt.Errorf("%w: case number is required", ErrInvalid)
	case i.Title == "":
		return fmt.Errorf("%w: case title is required", ErrInvalid)
	case i.Investigator == "":
		return fmt.Errorf("%w: investigator is required", ErrInvalid)
	}
	return nil
}

// checkText refuses control characters (other than tab and newline) in
// free text that ends up in reports.
func checkText(s string) error {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return fmt.Errorf("%w: text contains control character %U", ErrInvalid, r)
		}
	}
	return nil
}

// Info returns the case record.
func (c *Case) Info() (CaseInfo, error) {
	var info CaseInfo
	err := c.view(func(tx *bolt.Tx) (err error) {
		info, err = readInfo(tx)
		return err
	})
	if err != nil {
		return info, fmt.Errorf("case %s: %w", c.path, err)
	}
	return info, nil
}

func readInfo(tx *bolt.Tx) (CaseInfo, error) {
	var info CaseInfo
	if err := json.Unmarshal(tx.Bucket(bucketMeta).Get(metaCase), &info); err != nil {
		return info, fmt.Errorf("%w: case record: %v", ErrCorrupt, err)
	}
	return info, nil
}
