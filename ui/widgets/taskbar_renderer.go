package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Widths of the task bar's parts that do not follow their content.
const (
	// taskBarProgressWidth is the progress bar's width.
	taskBarProgressWidth float32 = 220
	// taskBarTextMinWidth is the least width left for the title and the
	// detail together.
	taskBarTextMinWidth float32 = 160
	// taskBarTitleShare is the largest share of the text width the title
	// takes before it is truncated.
	taskBarTitleShare float32 = 0.4
)

// taskBarRenderer lays the task bar out on one line: title, detail,
// progress bar, Cancel. Every part has its place whether it is shown or
// not, and the minimum size depends on no text, so the bar's minimum size
// never changes with its state.
type taskBarRenderer struct {
	b       *TaskBar
	objects []fyne.CanvasObject
}

func (r *taskBarRenderer) Destroy() {}

func (r *taskBarRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *taskBarRenderer) Refresh() {
	r.Layout(r.b.Size())
	for _, o := range r.objects {
		o.Refresh()
	}
}

// MinSize counts every part as shown, and the text at its least width.
func (r *taskBarRenderer) MinSize() fyne.Size {
	pad := r.padding()
	h := float32(0)
	for _, o := range r.objects {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(taskBarTextMinWidth+pad+taskBarProgressWidth+pad+r.cancelSize().Width, max(h, r.cancelSize().Height))
}

func (r *taskBarRenderer) Layout(size fyne.Size) {
	pad := r.padding()
	b := r.b
	cancel := r.cancelSize()
	right := size.Width - cancel.Width
	b.cancel.Move(fyne.NewPos(right, (size.Height-cancel.Height)/2))
	b.cancel.Resize(cancel)

	barH := b.bar.MinSize().Height
	barW := min(taskBarProgressWidth, max(0, right-pad))
	right -= pad + barW
	b.bar.Move(fyne.NewPos(right, (size.Height-barH)/2))
	b.bar.Resize(fyne.NewSize(barW, barH))

	text := max(0, right-pad)
	// The title's label is given a padding more than its text needs: a
	// label cut to its exact width truncates its text.
	titleW := min(r.titleWidth()+pad, text*taskBarTitleShare)
	if b.detail.Text == "" {
		titleW = min(r.titleWidth()+pad, text)
	}
	b.title.Move(fyne.NewPos(0, 0))
	b.title.Resize(fyne.NewSize(titleW, size.Height))
	b.detail.Move(fyne.NewPos(titleW, 0))
	b.detail.Resize(fyne.NewSize(max(0, text-titleW), size.Height))
}

// titleWidth is the width the title needs to be shown whole.
func (r *taskBarRenderer) titleWidth() float32 {
	th := r.b.Theme()
	text := fyne.MeasureText(r.b.title.Text, th.Size(theme.SizeNameText), r.b.title.TextStyle)
	return text.Width + 2*th.Size(theme.SizeNameInnerPadding)
}

// cancelSize is the Cancel button's size, the same shown or hidden.
func (r *taskBarRenderer) cancelSize() fyne.Size {
	if r.b.cancel.Visible() {
		r.b.cancelMin = r.b.cancelMin.Max(r.b.cancel.MinSize())
	}
	return r.b.cancelMin
}

func (r *taskBarRenderer) padding() float32 {
	return r.b.Theme().Size(theme.SizeNamePadding)
}
