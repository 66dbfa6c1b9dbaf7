package dialogs

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// RiskyConfirm is a question whose safe answer is No: No is the
// highlighted button and has the keyboard focus (Space and Enter press
// it), Escape answers No too, and the risky action needs its own button.
type RiskyConfirm struct {
	no  *safeButton
	yes *widget.Button
	d   dialog.Dialog
}

// safeButton is the safe answer's button: Space, Enter and Escape all
// press it while it has the focus.
type safeButton struct{ widget.Button }

func newSafeButton(text string, icon fyne.Resource, tapped func()) *safeButton {
	b := &safeButton{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Space, Enter or Escape.
func (b *safeButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace, fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		b.Tapped(nil)
	}
}

// ConfirmRisky asks before a risky action; act runs only when the user
// presses the button labelled yes.
func ConfirmRisky(win fyne.Window, title, message, yes string, act func()) *RiskyConfirm {
	c := &RiskyConfirm{}
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	c.no = newSafeButton("No", theme.CancelIcon(), func() { c.d.Hide() })
	c.no.Importance = widget.HighImportance
	c.yes = widget.NewButtonWithIcon(yes, theme.WarningIcon(), func() {
		c.d.Hide()
		act()
	})
	c.yes.Importance = widget.LowImportance
	buttons := container.NewHBox(c.yes, c.no)
	c.d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, container.NewCenter(buttons), nil, nil, text), win)
	c.d.Resize(fyne.NewSize(480, 260))
	c.d.Show()
	win.Canvas().Focus(c.no)
	return c
}
