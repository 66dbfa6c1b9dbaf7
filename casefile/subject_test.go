package casefile

import (
	"errors"
	"testing"
)

func TestSubjectByID(t *testing.T) {
	c := newTestCase(t)
	a, err := c.AddSubject("Subject A", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.AddSubject("Subject B", "seen twice")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Subject(b.ID); err != nil || got.ID != b.ID || got.Label != "Subject B" || got.Notes != "seen twice" {
		t.Errorf("Subject(%d) = %+v, %v; want subject B", b.ID, got, err)
	}
	if _, err := c.Subject(a.ID + b.ID + 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Subject of an unknown id: %v, want ErrNotFound", err)
	}
}
