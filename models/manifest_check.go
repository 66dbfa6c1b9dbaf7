package models

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// ErrBadManifest is wrapped by every error of Manifest.Check.
var ErrBadManifest = errors.New("bad model manifest")

// Check verifies what the installer relies on: source IDs and model names
// are unique and non-empty; every reference names a source; kinds and
// conversions are ones we know; hashes are 64 lower-case hex digits; and
// every name that becomes a file path stays where it belongs: tarballs and
// installed files are plain file names, inputs and samples are relative
// paths inside their package (videos in a .deb may start with "./"),
// system models are absolute clean paths.
func (m *Manifest) Check() error {
	sources, err := m.checkSources()
	if err == nil {
		err = m.checkModels(sources)
	}
	if err == nil {
		err = m.checkSamples(sources)
	}
	return err
}

// badManifest is an error of Check.
func badManifest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadManifest, fmt.Sprintf(format, args...))
}

// checkSources checks the sources and returns them by ID.
func (m *Manifest) checkSources() (map[string]Source, error) {
	sources := map[string]Source{}
	for i, s := range m.Sources {
		switch {
		case s.ID == "":
			return nil, badManifest("source %d has no id", i+1)
		case sources[s.ID].ID != "":
			return nil, badManifest("source %q is listed twice", s.ID)
		case s.Package == "" || s.Version == "":
			return nil, badManifest("source %q needs a package and a version", s.ID)
		}
		switch s.Kind {
		case "npm", "debian-archive":
			if !isPlainFileName(s.Tarball) {
				return nil, badManifest("source %q: tarball %q is not a plain file name", s.ID, s.Tarball)
			}
			if !isSHA256(s.SHA256) {
				return nil, badManifest("source %q: sha256 %q is not 64 lower-case hex digits", s.ID, s.SHA256)
			}
		case "debian":
			if s.Tarball != "" || s.SHA256 != "" {
				return nil, badManifest("source %q: a Debian package has no tarball or sha256", s.ID)
			}
		default:
			return nil, badManifest("source %q: kind %q is not npm, debian or debian-archive", s.ID, s.Kind)
		}
		sources[s.ID] = s
	}
	return sources, nil
}

// checkModels checks the models against the sources.
func (m *Manifest) checkModels(sources map[string]Source) error {
	names := map[string]bool{}
	for i, x := range m.Models {
		switch {
		case x.Name == "":
			return badManifest("model %d has no name", i+1)
		case names[x.Name]:
			return badManifest("model %q is listed twice", x.Name)
		case sources[x.Source].ID == "":
			return badManifest("model %q: unknown source %q", x.Name, x.Source)
		case x.SHA256 != "" && !isSHA256(x.SHA256):
			return badManifest("model %q: sha256 %q is not 64 lower-case hex digits", x.Name, x.SHA256)
		}
		names[x.Name] = true
		if x.Convert == "system" {
			if x.File != "" || len(x.Inputs) > 0 || !filepath.IsAbs(x.Path) || filepath.Clean(x.Path) != x.Path {
				return badManifest("model %q: a system model has only an absolute, clean path (got path %q)", x.Name, x.Path)
			}
			continue
		}
		if _, ok := converters[x.Convert]; !ok {
			return badManifest("model %q: unknown conversion %q", x.Name, x.Convert)
		}
		if x.Path != "" || !isPlainFileName(x.File) {
			return badManifest("model %q: file %q is not a plain file name", x.Name, x.File)
		}
		if len(x.Inputs) == 0 {
			return badManifest("model %q lists no inputs", x.Name)
		}
		// Inputs are paths inside an npm tarball, or the absolute paths of
		// files a Debian package installed (such as dlib's shape
		// predictor, converted to the flat form).
		debian := sources[x.Source].Kind == "debian"
		for p, h := range x.Inputs {
			inPackage := !debian && isPackagePath(p)
			onSystem := debian && filepath.IsAbs(p) && filepath.Clean(p) == p && isPrintable(p)
			if !inPackage && !onSystem || !isSHA256(h) {
				return badManifest("model %q: input %q (sha256 %q) is not a path in its package (npm) or an absolute path (Debian) with a SHA-256", x.Name, p, h)
			}
		}
	}
	return nil
}

// checkSamples checks the sample files and the videos installed beside
// them: samples from an npm source, videos from a debian-archive one, each
// a relative path with a SHA-256, no two with the same base name (they are
// installed by it).
func (m *Manifest) checkSamples(sources map[string]Source) error {
	if len(m.Samples.Files) > 0 && sources[m.Samples.Source].Kind != "npm" {
		return badManifest("samples: %q is not an npm source", m.Samples.Source)
	}
	bases := map[string]string{}
	for p, h := range m.Samples.Files {
		if !isPackagePath(p) || !isSHA256(h) {
			return badManifest("sample %q (sha256 %q) is not a relative path with a SHA-256", p, h)
		}
		if other, dup := bases[path.Base(p)]; dup {
			return badManifest("samples %q and %q would be installed as the same file", other, p)
		}
		bases[path.Base(p)] = p
	}
	if len(m.Videos.Files) > 0 && sources[m.Videos.Source].Kind != "debian-archive" {
		return badManifest("videos: %q is not a debian-archive source", m.Videos.Source)
	}
	for p, h := range m.Videos.Files {
		// Paths inside a .deb start with "./".
		if !isPackagePath(strings.TrimPrefix(p, "./")) || !isSHA256(h) {
			return badManifest("video %q (sha256 %q) is not a relative path with a SHA-256", p, h)
		}
		// Videos go beside the samples, by their base name.
		if other, dup := bases[path.Base(p)]; dup {
			return badManifest("video %q and sample or video %q would be installed as the same file", p, other)
		}
		bases[path.Base(p)] = p
	}
	return nil
}

// isPlainFileName: a non-empty name without separators that is not "." or
// "..", made of printable characters.
func isPlainFileName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, `/\`) && isPrintable(s)
}

// isPackagePath: a clean relative slash path that does not climb out.
func isPackagePath(s string) bool {
	return s != "" && path.Clean(s) == s && !path.IsAbs(s) && s != ".." && !strings.HasPrefix(s, "../") &&
		!strings.Contains(s, `\`) && isPrintable(s)
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7F {
			return false
		}
	}
	return true
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
