package dialogs

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"facecase/casefile"
)

// CaseForm is the New case form: the case record and where to write the
// case file. Its fields are exported so tests can fill them in.
type CaseForm struct {
	Number, Title, Investigator, Purpose, Authorisation *widget.Entry
	Folder                                              *widget.Entry
	// RequireAuthorisation makes the authorisation reference mandatory
	// for every search in the case (casefile.Settings).
	RequireAuthorisation *widget.Check
	Dialog               dialog.Dialog
}

// validate checks every field, whatever was typed in it so far.
func (f *CaseForm) validate() error {
	for _, e := range []struct {
		name  string
		entry *widget.Entry
	}{{"Case number", f.Number}, {"Title", f.Title}, {"Investigator", f.Investigator}, {"Purpose", f.Purpose},
		{"Authorisation reference", f.Authorisation}} {
		if err := e.entry.Validate(); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	return nil
}

// Rules are the case settings chosen in the form.
func (f *CaseForm) Rules() casefile.Settings {
	return casefile.Settings{RequireAuthorisation: f.RequireAuthorisation.Checked}
}

// Info is the case record typed in.
func (f *CaseForm) Info() casefile.CaseInfo {
	return casefile.CaseInfo{
		Number:        strings.TrimSpace(f.Number.Text),
		Title:         strings.TrimSpace(f.Title.Text),
		Investigator:  strings.TrimSpace(f.Investigator.Text),
		Purpose:       strings.TrimSpace(f.Purpose.Text),
		Authorisation: strings.TrimSpace(f.Authorisation.Text),
	}
}

// Path is where the case file will be written: the folder and a name made
// from the case number.
func (f *CaseForm) Path() string {
	return filepath.Join(strings.TrimSpace(f.Folder.Text), CaseFileName(f.Number.Text))
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// CaseFileName turns a case number into a file name ("2024/117 B" gives
// "2024-117-B.facecase").
func CaseFileName(number string) string {
	n := strings.Trim(unsafeName.ReplaceAllString(strings.TrimSpace(number), "-"), "-.")
	if n == "" {
		n = "case"
	}
	return n + casefile.Extension
}

// ShowNewCase shows the New case form. investigator pre-fills the
// investigator (the reviewer name from the settings); folder is where the
// file goes unless changed. The purpose is required (every search is
// logged with it); the authorisation reference is required when the form's
// "require" box is ticked, which also makes the case refuse searches
// without one. create gets the record, path and rules on the UI goroutine
// when the user confirms.
func ShowNewCase(win fyne.Window, investigator, folder string, create func(info casefile.CaseInfo, path string, rules casefile.Settings)) *CaseForm {
	f := &CaseForm{
		Number: widget.NewEntry(), Title: widget.NewEntry(), Investigator: widget.NewEntry(),
		Purpose: widget.NewMultiLineEntry(), Authorisation: widget.NewEntry(), Folder: widget.NewEntry(),
	}
	f.Investigator.SetText(investigator)
	f.Folder.SetText(folder)
	f.Number.SetPlaceHolder("e.g. 2024/117")
	f.Purpose.SetPlaceHolder("why faces are searched in this case")
	f.Purpose.SetMinRowsVisible(2)
	f.Authorisation.SetPlaceHolder("reference of the authorisation to search")
	required := func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errRequired
		}
		return nil
	}
	f.Number.Validator, f.Title.Validator, f.Investigator.Validator = required, required, required
	f.Purpose.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("every search is logged with the purpose: say why faces are searched")
		}
		return nil
	}
	f.RequireAuthorisation = widget.NewCheck("Require an authorisation reference for every search", func(bool) { f.Authorisation.Validate() })
	f.Authorisation.Validator = func(s string) error {
		if f.RequireAuthorisation != nil && f.RequireAuthorisation.Checked && strings.TrimSpace(s) == "" {
			return errors.New("required by the box below")
		}
		return nil
	}
	where := widget.NewLabel("")
	where.Truncation = fyne.TextTruncateEllipsis
	update := func(string) { where.SetText(f.Path()) }
	f.Number.OnChanged, f.Folder.OnChanged = update, update
	update("")
	browse := widget.NewButton("Choose…", func() {
		OpenFolder(win, "Folder for the case file", func(p string) { f.Folder.SetText(p) })
	})
	items := []*widget.FormItem{
		widget.NewFormItem("Case number", f.Number),
		widget.NewFormItem("Title", f.Title),
		widget.NewFormItem("Investigator", f.Investigator),
		widget.NewFormItem("Purpose", f.Purpose),
		widget.NewFormItem("Authorisation reference", f.Authorisation),
		widget.NewFormItem("", f.RequireAuthorisation),
		widget.NewFormItem("Folder", folderRow(f.Folder, browse)),
		widget.NewFormItem("Case file", where),
	}
	f.Dialog = dialog.NewForm("New case", "Create", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if err := f.validate(); err != nil {
			// Back, as typed, with the reason.
			f.Dialog.Show()
			dialog.ShowError(err, win)
			return
		}
		create(f.Info(), f.Path(), f.Rules())
	}, win)
	f.Dialog.Resize(fyne.NewSize(620, 480))
	f.Dialog.Show()
	return f
}
