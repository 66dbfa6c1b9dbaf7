//go:build linux && !nativedialogs

package dialogs

import "errors"

// nativeAvailable: Linux builds use Fyne's dialogs unless built with the
// nativedialogs tag (GTK's dialogs can crash beside GLFW).
const nativeAvailable = false

var errNativeCancelled = errors.New("cancelled")

func nativeOpenFile(title, filterName string, exts []string) (string, error) {
	return "", errors.New("native dialogs are not in this build")
}

func nativeOpenFolder(title string) (string, error) {
	return "", errors.New("native dialogs are not in this build")
}

func nativeSaveFile(title, suggested, filterName string, exts []string) (string, error) {
	return "", errors.New("native dialogs are not in this build")
}
