package media

import "testing"

// TestLabelTextIsASCII: the label font has ASCII only; a label's
// punctuation and a subject's accented name come out readable, anything
// else as a question mark, never as the font's missing-glyph box.
func TestLabelTextIsASCII(t *testing.T) {
	for in, want := range map[string]string{
		"P3 · confirmed: Subject A": "P3 - confirmed: Subject A",
		"#3 · candidate":            "#3 - candidate",
		"P1 ✓ José Núñez":           "P1 + Jose Nunez",
		"Łukasz 王":                  "?ukasz ?",
		"tab\there":                 "tab here",
	} {
		if got := labelText(in); got != want {
			t.Errorf("labelText(%q) = %q, want %q", in, got, want)
		}
	}
}
