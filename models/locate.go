package models

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrModelMissing is returned when a model file is not installed.
var ErrModelMissing = errors.New("model not installed")

// ErrUnknownModel is returned for a name the manifest does not list.
var ErrUnknownModel = errors.New("unknown model")

// InstallCommand is what a user runs to install missing models.
const InstallCommand = "make models (or: facecase-cli models install)"

// SearchPath lists the folders searched for installed model files, in order.
func SearchPath() []string {
	var dirs []string
	if env := os.Getenv("FACECASE_MODELS"); env != "" {
		for _, d := range strings.Split(env, string(os.PathListSeparator)) {
			if d != "" {
				dirs = append(dirs, d)
			}
		}
	}
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, filepath.Join(wd, "models", "data"))
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			d := filepath.Dir(exe)
			dirs = append(dirs, filepath.Join(d, "models", "data"),
				filepath.Join(d, "..", "models", "data"),
				filepath.Join(d, "..", "share", "facecase", "models"))
		}
	}
	data := os.Getenv("XDG_DATA_HOME")
	if data == "" {
		if home, err := os.UserHomeDir(); err == nil {
			data = filepath.Join(home, ".local", "share")
		}
	}
	if data != "" {
		dirs = append(dirs, filepath.Join(data, "facecase", "models"))
	}
	dirs = append(dirs, "/usr/local/share/facecase/models", "/usr/share/facecase/models")
	return dedupe(dirs)
}

func dedupe(dirs []string) []string {
	seen := map[string]bool{}
	out := dirs[:0]
	for _, d := range dirs {
		c := filepath.Clean(d)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// Locate returns the path of the named model's file. When it is missing the
// error names the model, the folders searched and the command that installs it.
func Locate(name string) (string, error) {
	m, err := Load()
	if err != nil {
		return "", err
	}
	model, err := m.Model(name)
	if err != nil {
		return "", err
	}
	return locate(model)
}

func locate(model Model) (string, error) {
	if model.Path != "" {
		if st, err := os.Stat(model.Path); err == nil && st.Mode().IsRegular() {
			return model.Path, nil
		}
		return "", &MissingError{Model: model, Searched: []string{model.Path}}
	}
	dirs := SearchPath()
	for _, d := range dirs {
		p := filepath.Join(d, model.File)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", &MissingError{Model: model, Searched: dirs}
}

// MissingError says which model is missing, where it was looked for and how
// to install it. It matches ErrModelMissing with errors.Is.
type MissingError struct {
	Model    Model
	Searched []string
}

func (e *MissingError) Error() string {
	what := e.Model.File
	hint := InstallCommand
	if e.Model.Path != "" {
		what = e.Model.Path
		hint = "apt-get install " + debianPackageOf(e.Model)
	}
	return fmt.Sprintf("model %q (%s, %s) is not installed; looked in %s; install it with: %s",
		e.Model.Name, what, e.Model.Role, strings.Join(e.Searched, ", "), hint)
}

// Is makes errors.Is(err, ErrModelMissing) true.
func (e *MissingError) Is(target error) bool { return target == ErrModelMissing }

func debianPackageOf(m Model) string {
	man, err := Load()
	if err != nil {
		return m.Source
	}
	if s, err := man.Source(m.Source); err == nil {
		return s.Package
	}
	return m.Source
}

// SamplesDir returns the folder holding the installed demo photos.
func SamplesDir() (string, error) {
	for _, d := range SearchPath() {
		p := filepath.Join(d, "samples")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: demo sample photos not found; install them with: %s", ErrModelMissing, InstallCommand)
}
