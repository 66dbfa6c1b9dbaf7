package casefile

import "fmt"

// Problem is one thing verification found wrong.
type Problem struct {
	// Where names the place: "audit entry 7", "evidence 3", "bundle
	// member manifest.json", "database structure".
	Where string `json:"where"`
	// What says what is wrong.
	What string `json:"what"`
}

// String is "where: what".
func (p Problem) String() string { return p.Where + ": " + p.What }

// Findings is what a verification found: the part of the report that
// CaseReport and BundleReport share. Both are OK when nothing was found
// changed or damaged and no analysis is unfinished.
type Findings struct {
	// Problems lists what was found changed or damaged; it is empty when
	// the file is intact.
	Problems []Problem `json:"problems,omitempty"`
	// Unfinished names the evidence whose analysis was asked for and never
	// finished (an interrupted intake): the case is intact but its faces
	// are incomplete until the analysis is resumed.
	Unfinished []Problem `json:"unfinished,omitempty"`

	named map[string]bool // places named by addOnce
}

// OK reports whether nothing was found wrong and nothing is unfinished.
func (f *Findings) OK() bool { return f.Intact() && len(f.Unfinished) == 0 }

// Intact reports whether nothing was found changed or damaged (unfinished
// analysis aside).
func (f *Findings) Intact() bool { return len(f.Problems) == 0 }

// add records a problem.
func (f *Findings) add(where, format string, args ...any) {
	f.Problems = append(f.Problems, Problem{Where: where, What: fmt.Sprintf(format, args...)})
}

// addOnce records a problem unless one was recorded at the same place by
// addOnce already (a damaged bundle member fails several checks).
func (f *Findings) addOnce(where, format string, args ...any) {
	if f.named == nil {
		f.named = map[string]bool{}
	}
	if f.named[where] {
		return
	}
	f.named[where] = true
	f.add(where, format, args...)
}

// err is the error of the findings of the file at path: nil when OK, else
// one wrapping sentinel (for problems) or ErrIncomplete (for unfinished
// analysis) that names the first of them.
func (f *Findings) err(path string, sentinel error) error {
	list := f.Problems
	if len(list) == 0 {
		list, sentinel = f.Unfinished, ErrIncomplete
	}
	if len(list) == 0 {
		return nil
	}
	more := ""
	if len(list) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(list)-1)
	}
	return fmt.Errorf("%s: %w: %s%s", path, sentinel, list[0], more)
}
