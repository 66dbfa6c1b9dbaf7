package models

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// mutated is the embedded manifest with one change made by edit on its
// generic JSON form.
func mutated(t testing.TB, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func model(m map[string]any, i int) map[string]any { return m["models"].([]any)[i].(map[string]any) }
func source(m map[string]any, i int) map[string]any {
	return m["sources"].([]any)[i].(map[string]any)
}

// firstSource is the first source of the given kind ("npm" or "debian"),
// so a case keeps testing what it names when sources are added.
func firstSource(t testing.TB, m map[string]any, kind string) map[string]any {
	for _, s := range m["sources"].([]any) {
		if src := s.(map[string]any); src["kind"] == kind {
			return src
		}
	}
	t.Fatalf("manifest has no %s source", kind)
	return nil
}

// firstSystemModel is the first model a Debian package installs at a path.
func firstSystemModel(t testing.TB, m map[string]any) map[string]any {
	for _, e := range m["models"].([]any) {
		if mod := e.(map[string]any); mod["path"] != nil {
			return mod
		}
	}
	t.Fatal("manifest has no model with a system path")
	return nil
}

// namedModel is the model of that name.
func namedModel(t testing.TB, m map[string]any, name string) map[string]any {
	for _, e := range m["models"].([]any) {
		if mod := e.(map[string]any); mod["name"] == name {
			return mod
		}
	}
	t.Fatalf("manifest has no model %q", name)
	return nil
}

func TestEmbeddedManifestPassesItsChecks(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Models) < 5 || len(m.Sources) < 2 || len(m.Samples.Files) == 0 {
		t.Fatalf("manifest %+v looks empty", m)
	}
}

func TestParseManifestRefusesBadEntries(t *testing.T) {
	files := func(m map[string]any) map[string]any { return m["samples"].(map[string]any)["files"].(map[string]any) }
	videos := func(m map[string]any) map[string]any { return m["videos"].(map[string]any)["files"].(map[string]any) }
	cases := map[string]func(m map[string]any){
		"file climbing out":        func(m map[string]any) { model(m, 0)["file"] = "../../.bashrc" },
		"file in a folder":         func(m map[string]any) { model(m, 0)["file"] = "sub/x.onnx" },
		"tarball with a separator": func(m map[string]any) { source(m, 0)["tarball"] = "/tmp/x.tgz" },
		"short hash":               func(m map[string]any) { source(m, 0)["sha256"] = "abc" },
		"upper-case hash":          func(m map[string]any) { model(m, 0)["sha256"] = strings.Repeat("A", 64) },
		"unknown source":           func(m map[string]any) { model(m, 1)["source"] = "nowhere" },
		"unknown kind":             func(m map[string]any) { source(m, 0)["kind"] = "pip" },
		"unknown conversion":       func(m map[string]any) { model(m, 0)["convert"] = "magic" },
		"duplicate model":          func(m map[string]any) { model(m, 1)["name"] = model(m, 0)["name"] },
		"relative system path":     func(m map[string]any) { firstSystemModel(t, m)["path"] = "usr/share/x.dat" },
		"input climbing out": func(m map[string]any) {
			model(m, 2)["inputs"] = map[string]any{"../x.onnx": strings.Repeat("a", 64)}
		},
		"sample climbing out":     func(m map[string]any) { files(m)["../../etc/passwd"] = strings.Repeat("a", 64) },
		"samples with one name":   func(m map[string]any) { files(m)["package/other/sample1.jpg"] = strings.Repeat("a", 64) },
		"misspelt field":          func(m map[string]any) { model(m, 0)["sha265"] = "x" },
		"control character":       func(m map[string]any) { model(m, 0)["file"] = "a\nb.onnx" },
		"debian source with hash": func(m map[string]any) { firstSource(t, m, "debian")["sha256"] = strings.Repeat("a", 64) },
		"archive without hash":    func(m map[string]any) { delete(firstSource(t, m, "debian-archive"), "sha256") },
		"video climbing out":      func(m map[string]any) { videos(m)["./../../etc/passwd"] = strings.Repeat("a", 64) },
		"video named as a sample": func(m map[string]any) { videos(m)["./usr/share/sample1.jpg"] = strings.Repeat("a", 64) },
		"videos from npm": func(m map[string]any) {
			m["videos"].(map[string]any)["source"] = firstSource(t, m, "npm")["id"]
		},
		"debian input not absolute": func(m map[string]any) {
			namedModel(t, m, "shape-predictor-68-flat")["inputs"] = map[string]any{"usr/share/dlib/x.dat": strings.Repeat("a", 64)}
		},
		"debian input not clean": func(m map[string]any) {
			namedModel(t, m, "shape-predictor-68-flat")["inputs"] = map[string]any{"/usr/share/../../etc/shadow": strings.Repeat("a", 64)}
		},
		"npm input absolute": func(m map[string]any) {
			model(m, 2)["inputs"] = map[string]any{"/etc/passwd": strings.Repeat("a", 64)}
		},
	}
	for name, edit := range cases {
		if _, err := ParseManifest(mutated(t, edit)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseManifest(append(append([]byte{}, manifestJSON...), "{}"...)); err == nil {
		t.Error("trailing data accepted")
	}
	_, err := ParseManifest(mutated(t, func(m map[string]any) { model(m, 0)["file"] = "../x" }))
	if !errors.Is(err, ErrBadManifest) || !strings.Contains(err.Error(), `"../x"`) {
		t.Errorf("error %v does not name the bad entry", err)
	}
}

// FuzzParseManifest: any input is refused or gives a manifest whose file
// names stay where they belong, whose references resolve, and which reads
// back the same after writing it out.
func FuzzParseManifest(f *testing.F) {
	f.Add(manifestJSON)
	f.Add(mutated(f, func(m map[string]any) { model(m, 0)["file"] = "../x.onnx" }))
	f.Add(mutated(f, func(m map[string]any) { delete(m, "samples") }))
	f.Add([]byte(`{"sources":[],"models":[],"samples":{"source":"","files":{}}}`))
	f.Add([]byte(`{"models":[{"name":"x","convert":"system","path":"/a","source":"s"}],"sources":[{"id":"s","kind":"debian","package":"p","version":"1"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			if m != nil {
				t.Fatal("a manifest and an error")
			}
			return
		}
		for _, x := range m.Models {
			if _, err := m.Source(x.Source); err != nil {
				t.Fatalf("model %q: %v", x.Name, err)
			}
			if x.Convert != "system" && (x.File == "" || strings.ContainsAny(x.File, `/\`) || x.File == ".." || x.File == ".") {
				t.Fatalf("model %q installs as %q", x.Name, x.File)
			}
			src, _ := m.Source(x.Source)
			for p := range x.Inputs {
				// npm inputs stay inside the tarball; Debian inputs are
				// absolute, clean paths.
				climbs := p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") || strings.HasSuffix(p, "/..")
				if climbs || strings.HasPrefix(p, "/") != (src.Kind == "debian") {
					t.Fatalf("model %q reads input %q from a %s source", x.Name, p, src.Kind)
				}
			}
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseManifest(out)
		if err != nil || !reflect.DeepEqual(normalise(m), normalise(again)) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, m, again)
		}
	})
}

// normalise makes empty and nil maps and slices compare equal.
func normalise(m *Manifest) Manifest {
	n := *m
	if len(n.Sources) == 0 {
		n.Sources = nil
	}
	n.Models = append([]Model(nil), n.Models...)
	if len(n.Models) == 0 {
		n.Models = nil
	}
	for i := range n.Models {
		if len(n.Models[i].Inputs) == 0 {
			n.Models[i].Inputs = nil
		}
	}
	if len(n.Samples.Files) == 0 {
		n.Samples.Files = nil
	}
	return n
}
