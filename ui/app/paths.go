package app

import (
	"os"
	"path/filepath"
)

// DataDir is where facecase keeps its own files (the demo case):
// $XDG_DATA_HOME/facecase, by default ~/.local/share/facecase.
func DataDir() string {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = os.TempDir()
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "facecase")
}

// CaseFolder is where new cases go unless the user picks another folder:
// ~/facecase-cases.
func CaseFolder() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	return filepath.Join(home, "facecase-cases")
}
