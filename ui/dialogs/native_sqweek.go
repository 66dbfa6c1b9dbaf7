//go:build !linux || nativedialogs

package dialogs

import (
	"fmt"

	sqweek "github.com/sqweek/dialog"
)

// nativeAvailable: this build has native file choosers.
const nativeAvailable = true

// errNativeCancelled is returned when the user closes a native chooser.
var errNativeCancelled = sqweek.ErrCancelled

// nativeOpenFile shows the system's file chooser. It blocks; call it off
// the UI goroutine.
func nativeOpenFile(title, filterName string, exts []string) (path string, err error) {
	defer recoverNative(&err)
	b := sqweek.File().Title(title)
	if len(exts) > 0 {
		b = b.Filter(filterName, exts...)
	}
	return b.Load()
}

// nativeOpenFolder shows the system's folder chooser.
func nativeOpenFolder(title string) (path string, err error) {
	defer recoverNative(&err)
	return sqweek.Directory().Title(title).Browse()
}

// nativeSaveFile asks for a path to write to; it creates nothing.
func nativeSaveFile(title, suggested, filterName string, exts []string) (path string, err error) {
	defer recoverNative(&err)
	b := sqweek.File().Title(title).SetStartFile(suggested)
	if len(exts) > 0 {
		b = b.Filter(filterName, exts...)
	}
	return b.Save()
}

// recoverNative turns a panic of the native toolkit (GTK without a
// display, for example) into an error, so the Fyne dialog is used.
func recoverNative(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("native dialog failed: %v", r)
	}
}
