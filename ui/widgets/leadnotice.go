package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// LeadNoticeText is shown with every list of candidates: a candidate is a
// lead for a human to check, never an identification.
const LeadNoticeText = "Investigative lead only, not a positive identification"

// noticeColor is the banner's amber background.
var noticeColor = color.NRGBA{R: 0xff, G: 0xc1, B: 0x07, A: 0xff}

// NewLeadNotice makes the banner with LeadNoticeText and an optional
// detail line (for example the threshold used).
func NewLeadNotice(detail string) *fyne.Container {
	title := canvas.NewText(LeadNoticeText, color.Black)
	title.TextStyle = fyne.TextStyle{Bold: true}
	icon := widget.NewIcon(theme.WarningIcon())
	rows := container.NewVBox(title)
	if detail != "" {
		d := canvas.NewText(detail, color.Black)
		d.TextSize = theme.CaptionTextSize()
		rows.Add(d)
	}
	return container.NewStack(canvas.NewRectangle(noticeColor),
		container.NewPadded(container.NewBorder(nil, nil, icon, nil, rows)))
}
