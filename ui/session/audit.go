package session

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"facecase/casefile"
)

// AuditRow is one audit log entry laid out for reading: what was done to
// which object, in a line, with the reviewer's note for review decisions
// (the note is in the review record the entry seals).
type AuditRow struct {
	Seq    uint64
	Time   time.Time
	Actor  string
	Action string
	// Object names what the entry is about ("search 5", "evidence 2"), or
	// "case" for entries about the whole case.
	Object string
	// Summary is the entry's details in a few words.
	Summary string
	// Note is a review decision's note, if any.
	Note string
	// Entry is the stored entry (details, sealed records, chain hashes).
	Entry casefile.AuditEntry
}

// Detail is the whole entry: its fields, the note, its details as indented
// JSON, the records it seals and its place in the hash chain.
func (r AuditRow) Detail() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Entry %d · %s\n%s by %s on %s\n", r.Seq, r.Time.Local().Format(TimeLayout), r.Action, r.Actor, r.Object)
	if r.Note != "" {
		fmt.Fprintf(&b, "Note: %s\n", r.Note)
	}
	if len(r.Entry.Details) > 0 {
		var pretty bytes.Buffer
		if json.Indent(&pretty, r.Entry.Details, "", "  ") == nil {
			fmt.Fprintf(&b, "\nDetails:\n%s\n", pretty.String())
		}
	}
	if len(r.Entry.Records) > 0 {
		b.WriteString("\nSealed records:\n")
		for _, rec := range r.Entry.Records {
			raw, _ := json.Marshal(rec)
			b.WriteString("  " + string(raw) + "\n")
		}
	}
	fmt.Fprintf(&b, "\nPrevious entry's hash: %s\nThis entry's hash: %s", r.Entry.Prev, r.Entry.Hash)
	return b.String()
}

// TimeLayout is how the app shows a moment: local date and time to the
// second.
const TimeLayout = "2006-01-02 15:04:05"

// objectKeys name the objects an entry can be about, most specific first.
var objectKeys = []struct{ key, name string }{
	{"review_id", "review"}, {"search_id", "search"}, {"enrolment_id", "enrolment"}, {"track_id", "track"},
	{"detection_id", "face"}, {"subject_id", "subject"}, {"evidence_id", "evidence"},
}

// AuditRows reads the audit log, newest first, as rows.
func (s *Session) AuditRows() ([]AuditRow, error) {
	entries, err := s.AuditLog()
	if err != nil {
		return nil, err
	}
	reviews, err := s.Reviews(0)
	if err != nil {
		return nil, err
	}
	notes := make(map[uint64]string, len(reviews))
	for _, r := range reviews {
		notes[r.ID] = r.Note
	}
	rows := make([]AuditRow, len(entries))
	for i, e := range entries {
		rows[len(entries)-1-i] = auditRow(e, notes)
	}
	return rows, nil
}

func auditRow(e casefile.AuditEntry, notes map[uint64]string) AuditRow {
	r := AuditRow{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Action: string(e.Action), Object: "case", Entry: e}
	var d map[string]any
	_ = json.Unmarshal(e.Details, &d)
	id := func(k string) (uint64, bool) {
		f, ok := d[k].(float64)
		return uint64(f), ok && f > 0
	}
	for _, k := range objectKeys {
		if v, ok := id(k.key); ok {
			r.Object = fmt.Sprintf("%s %d", k.name, v)
			break
		}
	}
	if e.Action == casefile.ActionReview {
		if v, ok := id("review_id"); ok {
			r.Note = notes[v]
		}
		if v, ok := id("search_id"); ok {
			r.Object = fmt.Sprintf("search %d", v)
		}
	}
	r.Summary = summarise(d, r.Note)
	return r
}

// summaryOrder puts the telling details first.
var summaryOrder = map[string]int{"decision": 0, "subject_id": 1, "label": 1, "name": 1, "changed": 1, "candidates": 2,
	"target_fmr": 3, "score_threshold": 3, "threshold": 3, "purpose": 4, "authorisation": 4}

// summarise lists an entry's details as key value pairs in one line.
func summarise(d map[string]any, note string) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		oi, iok := summaryOrder[keys[i]]
		oj, jok := summaryOrder[keys[j]]
		switch {
		case iok && jok && oi != oj:
			return oi < oj
		case iok != jok:
			return iok
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, 0, len(keys)+1)
	for _, k := range keys {
		v := d[k]
		switch x := v.(type) {
		case float64:
			parts = append(parts, fmt.Sprintf("%s %g", strings.ReplaceAll(k, "_", " "), x))
		case string:
			if len(x) > 40 {
				x = x[:16] + "…"
			}
			parts = append(parts, fmt.Sprintf("%s %s", strings.ReplaceAll(k, "_", " "), x))
		default:
			raw, _ := json.Marshal(x)
			parts = append(parts, fmt.Sprintf("%s %s", strings.ReplaceAll(k, "_", " "), raw))
		}
	}
	if note != "" {
		parts = append(parts, fmt.Sprintf("note %q", note))
	}
	return strings.Join(parts, " · ")
}

// AuditFilter picks audit rows: each non-empty field must occur in the
// row's actor, action or object (case-insensitively).
type AuditFilter struct {
	Actor, Action, Object string
}

// Match reports whether r passes the filter.
func (f AuditFilter) Match(r AuditRow) bool {
	has := func(field, want string) bool {
		return want == "" || strings.Contains(strings.ToLower(field), strings.ToLower(strings.TrimSpace(want)))
	}
	return has(r.Actor, f.Actor) && has(r.Action, f.Action) && has(r.Object, f.Object)
}

// ReviewNotes are the decisions on a candidate that carry a note, oldest
// first: who wrote it, when, deciding what.
func ReviewNotes(cr casefile.CandidateReview) []casefile.ReviewRecord {
	var out []casefile.ReviewRecord
	for _, r := range cr.Reviews {
		if r.Note != "" {
			out = append(out, r)
		}
	}
	return out
}

// ReviewLine is one decision as the app shows it everywhere: reviewer,
// decision, time and note.
func ReviewLine(r casefile.ReviewRecord) string {
	s := fmt.Sprintf("%s: %s (%s)", r.Reviewer, r.Decision, r.Time.Local().Format("2006-01-02 15:04"))
	if r.Note != "" {
		s += fmt.Sprintf(" — “%s”", r.Note)
	}
	return s
}
