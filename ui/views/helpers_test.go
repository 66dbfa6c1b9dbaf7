package views

import (
	"strings"

	"facecase/ui/internal/uitest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// visibleText is every visible label, button, text and entry under o.
func visibleText(o fyne.CanvasObject) string {
	var b strings.Builder
	uitest.Walk(o, func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Button:
			b.WriteString(x.Text + "\n")
		case *canvas.Text:
			b.WriteString(x.Text + "\n")
		case *widget.Entry:
			b.WriteString(x.Text + "\n")
		}
	})
	return b.String()
}

// overlayText is the text of the window's overlays (dialogs).
func overlayText(w fyne.Window) string {
	var b strings.Builder
	for _, o := range w.Canvas().Overlays().List() {
		b.WriteString(visibleText(o))
	}
	return b.String()
}
