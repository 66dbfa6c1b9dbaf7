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

// Explain turns an error into a sentence for the user: the sentinel errors
// of the backends get a plain explanation, followed by the full error.
func Explain(err error) string {
	var lead string
	switch {
	case errors.Is(err, casefile.ErrOpenElsewhere):
		lead = "This case is open elsewhere (another window or program). Close it there first, or open it read-only."
	case errors.Is(err, casefile.ErrNotACase):
		lead = "This file is not a facecase case file."
	case errors.Is(err, casefile.ErrNewerFormat):
		lead = "This case was written by a newer version of facecase; update facecase to open it."
	case errors.Is(err, casefile.ErrCorrupt):
		lead = "The case file is damaged. Nothing was changed; restore it from a backup or an export bundle."
	case errors.Is(err, casefile.ErrTampered):
		lead = "The case's audit log does not verify: the file was altered outside facecase."
	case errors.Is(err, casefile.ErrReadOnly):
		lead = "The case is open read-only."
	case errors.Is(err, casefile.ErrExists):
		lead = "A file already exists there; choose another name (nothing is ever overwritten)."
	case errors.Is(err, models.ErrModelMissing):
		lead = "A recognition model is not installed."
	case errors.Is(err, fs.ErrNotExist):
		lead = "The file does not exist."
	case errors.Is(err, fs.ErrPermission):
		lead = "Permission denied."
	}
	if lead == "" {
		return err.Error()
	}
	return lead + "\n\n" + err.Error()
}

// ShowError shows err explained (see Explain).
func ShowError(win fyne.Window, err error) {
	if err == nil {
		return
	}
	dialog.ShowError(errors.New(Explain(err)), win)
}
