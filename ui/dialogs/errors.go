package dialogs

import (
	"errors"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"facecase/casefile"
	"facecase/models"
)

var errRequired = errors.New("required")

// Lead is a plain sentence shown before an error that matches Err
// (errors.Is).
type Lead struct {
	Err  error
	Text string
}

// caseLeads explain the sentinel errors of the backends every view meets.
var caseLeads = []Lead{
	{casefile.ErrOpenElsewhere, "This case is open elsewhere (another window or program). Close it there first, or open it read-only."},
	{casefile.ErrNotACase, "This file is not a facecase case file."},
	{casefile.ErrNewerFormat, "This case was written by a newer version of facecase; update facecase to open it."},
	{casefile.ErrDamaged, "This case file is damaged, so it is open read-only: nothing is written to it. 'facecase-cli verify' gives the full report; a verified export bundle of it can be imported for review."},
	{casefile.ErrProtectedTarget, "That is the case file, its media folder or an evidence file: choose another place for the bundle."},
	{casefile.ErrIncomplete, "The analysis of some evidence never finished (an interrupted intake); open the case for writing to finish it."},
	{casefile.ErrCorrupt, "The case file is damaged. Nothing was changed; restore it from a backup or an export bundle."},
	{casefile.ErrTampered, "The case's audit log does not verify: the file was altered outside facecase."},
	{casefile.ErrReadOnly, "The case is open read-only."},
	{casefile.ErrNoAuthorisation, "This case's rules require an authorisation reference before any search, and the case has none. Nothing was searched."},
	{casefile.ErrExists, "A file already exists there; choose another name (nothing is ever overwritten)."},
	{models.ErrModelMissing, "A recognition model is not installed."},
	{fs.ErrNotExist, "The file does not exist."},
	{fs.ErrPermission, "Permission denied."},
}

// Explain turns an error into a sentence for the user: the sentinel errors
// of the backends get a plain explanation, followed by the full error.
func Explain(err error) string { return ExplainWith(err) }

// ExplainWith is Explain with a view's own leads, tried before the common
// ones.
func ExplainWith(err error, leads ...Lead) string {
	for _, table := range [][]Lead{leads, caseLeads} {
		for _, l := range table {
			if errors.Is(err, l.Err) {
				return l.Text + "\n\n" + err.Error()
			}
		}
	}
	return err.Error()
}

// ShowError shows err explained (see Explain).
func ShowError(win fyne.Window, err error) {
	if err == nil {
		return
	}
	dialog.ShowError(errors.New(Explain(err)), win)
}
