package views

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
)

// AuditView lists the case's audit log, newest first, and verifies its
// hash chain on request.
type AuditView struct {
	backend AuditBackend
	entries []casefile.AuditEntry
	list    *widget.List
	result  *widget.Label
	content fyne.CanvasObject
}

// NewAuditView builds the audit log view.
func NewAuditView(backend AuditBackend) *AuditView {
	v := &AuditView{backend: backend, result: widget.NewLabel("")}
	v.result.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.entries) },
		func() fyne.CanvasObject {
			head := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			body := widget.NewLabel("")
			body.Truncation = fyne.TextTruncateEllipsis
			body.SizeName = theme.SizeNameCaptionText
			return container.NewVBox(head, body)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			e := v.entries[len(v.entries)-1-id]
			rows := o.(*fyne.Container).Objects
			rows[0].(*widget.Label).SetText(fmt.Sprintf("#%d  %s  %s  %s", e.Seq,
				e.Time.Local().Format("2006-01-02 15:04:05"), e.Actor, e.Action))
			rows[1].(*widget.Label).SetText(string(e.Details) + "   prev " + short(e.Prev))
		})
	verify := widget.NewButtonWithIcon("Verify the chain", theme.ConfirmIcon(), v.Verify)
	reload := widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), v.Reload)
	v.content = container.NewBorder(container.NewVBox(container.NewHBox(verify, reload), v.result), nil, nil, nil, v.list)
	v.Reload()
	return v
}

func short(hash string) string {
	if len(hash) > 16 {
		return hash[:16] + "…"
	}
	return hash
}

// Content is the view's root object.
func (v *AuditView) Content() fyne.CanvasObject { return v.content }

// Entries are the entries listed, oldest first.
func (v *AuditView) Entries() []casefile.AuditEntry { return v.entries }

// Reload reads the log again.
func (v *AuditView) Reload() {
	var entries []casefile.AuditEntry
	background("audit log", func() (err error) {
		entries, err = v.backend.AuditLog()
		return err
	}, func(err error) {
		if err != nil {
			v.result.SetText("cannot read the audit log: " + err.Error())
			return
		}
		v.entries = entries
		v.list.Refresh()
	})
}

// Verify walks the hash chain and shows the outcome.
func (v *AuditView) Verify() {
	v.result.SetText("verifying…")
	var head casefile.AuditHead
	background("audit verify", func() (err error) {
		head, err = v.backend.VerifyAudit()
		return err
	}, func(err error) {
		if err != nil {
			v.result.SetText("The audit chain does NOT verify: " + err.Error())
			v.result.Importance = widget.DangerImportance
		} else {
			v.result.SetText(fmt.Sprintf("The audit chain verifies: %d entries, head %s.", head.Seq, head.SHA256))
			v.result.Importance = widget.SuccessImportance
		}
		v.result.Refresh()
	})
}
