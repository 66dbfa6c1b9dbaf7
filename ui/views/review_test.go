package views

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"facecase/casefile"
	"facecase/ui/async"
	"facecase/ui/internal/uitest"
	"facecase/ui/widgets"
)

func newReview(t *testing.T, f *fakeReview) (*ReviewView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	v := NewReviewView(context.Background(), w, f)
	w.SetContent(v.Content())
	w.Resize(fyne.NewSize(1100, 760))
	t.Cleanup(w.Close)
	return v, w
}

func TestReviewListsOnlySearchesWithCandidates(t *testing.T) {
	v, _ := newReview(t, newFakeReview())
	if got := v.Searches(); len(got) != 1 || got[0].ID != 1 {
		t.Fatalf("listed %+v, want only search 1 (search 2 has no candidates)", got)
	}
}

func TestReviewEveryCandidateCarriesTheNotice(t *testing.T) {
	v, w := newReview(t, newFakeReview())
	v.Select(0)
	cards := v.cards
	if len(cards) != 2 {
		t.Fatalf("%d candidate cards, want 2", len(cards))
	}
	for _, c := range cards {
		text := visibleText(c.box)
		if !strings.Contains(text, widgets.LeadNoticeText) {
			t.Errorf("candidate %q is shown without the notice %q", c.candidate.Label, widgets.LeadNoticeText)
		}
		if !strings.Contains(text, c.candidate.Label) {
			t.Errorf("candidate card does not name %q", c.candidate.Label)
		}
	}
	all := visibleText(w.Canvas().Content())
	for _, want := range []string{"1. Subject Seven — score -5.31 · distance 0.412", "2. Subject Eight — score -2.67 · distance 0.557",
		"Deciding as Det. Reviewer", "Operating point FMR 0.0001 (score ≤ -2.40) · watchlist of 12 subjects (version 5)", "probe face"} {
		if !strings.Contains(all, want) {
			t.Errorf("review view does not show %q", want)
		}
	}
	waitPicturesShown(t, v) // pictures load in the background
	async.Locked(func() { uitest.AssertGolden(t, "review/search1.png", w.Canvas().Capture()) })
}

// waitPicturesShown waits until no picture of the review is loading and
// every slot whose picture loaded shows it (those that failed to load stay
// empty). The bound is a safety net only; it fails with a message.
func waitPicturesShown(t *testing.T, v *ReviewView) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		shown, slots := true, 0
		async.Locked(func() {
			v.mu.Lock()
			defer v.mu.Unlock()
			shown = len(v.loading) == 0
			for _, sl := range v.slots {
				if _, loaded := v.cache[sl.key]; loaded && sl.img.Image == nil {
					shown = false
				}
			}
			slots = len(v.slots)
		})
		if shown && slots > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pictures of the review still loading after 60 s (%d slots)", slots)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestReviewDecisionIsRecordedWithReviewer(t *testing.T) {
	f := newFakeReview()
	v, _ := newReview(t, f)
	v.Select(0)
	card := v.cards[0]
	test.Type(card.note, "same scar above the left eye")
	test.Tap(card.confirm)
	deadline := time.Now().Add(60 * time.Second) // a safety net: the loop ends when the status shows
	for {
		var status string
		async.Locked(func() { status = card.status.Text })
		if strings.Contains(status, "Status: confirmed") {
			if !strings.Contains(status, "Det. Reviewer: confirm") {
				t.Fatalf("status %q does not name the reviewer and decision", status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("decision not shown; status %q", status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.reviews) != 1 {
		t.Fatalf("%d reviews recorded", len(f.reviews))
	}
	r := f.reviews[0]
	if r.SearchID != 1 || r.SubjectID != 7 || r.Decision != casefile.DecisionConfirm || r.Note != "same scar above the left eye" {
		t.Fatalf("recorded %+v", r)
	}
}

// TestReviewNoteShownWithReviewerAndTime: a decision's note appears on
// the card, with who decided and when, once recorded and when the search
// is shown again.
func TestReviewNoteShownWithReviewerAndTime(t *testing.T) {
	f := newFakeReview()
	v, w := newReview(t, f)
	v.Select(0)
	card := v.cards[0]
	test.Type(card.note, "same scar above the left eye")
	test.Tap(card.confirm)
	want := "Det. Reviewer: confirm (2024-05-02 09:30) — “same scar above the left eye”"
	waitUntil(t, "the note on the card", func() bool { return strings.Contains(card.status.Text, want) })
	async.Locked(func() {
		v.Select(0)
		if text := visibleText(w.Canvas().Content()); !strings.Contains(text, want) {
			t.Fatalf("shown again, the card lost the note:\n%s", text)
		}
		uitest.AssertGolden(t, "review/note.png", w.Canvas().Capture())
	})
}

// TestReviewFlagsEnrolmentEcho: a candidate that is the probe's own
// enrolment image says so on its card.
func TestReviewFlagsEnrolmentEcho(t *testing.T) {
	f := newFakeReview()
	f.searches[0].Candidates[0].Distance = 0
	v, _ := newReview(t, f)
	v.Select(0)
	if text := visibleText(v.cards[0].box); !strings.Contains(text, "This face is enrolment 70 of subject Subject Seven") {
		t.Fatalf("card of an echo:\n%s", text)
	}
	if text := visibleText(v.cards[1].box); strings.Contains(text, "This face is enrolment") {
		t.Fatal("a real candidate is flagged as an echo")
	}
}
