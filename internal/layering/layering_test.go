package layering

import (
	"os/exec"
	"strings"
	"testing"
)

// goList runs `go list -deps` with the format on the packages and returns
// its output lines.
func goList(t *testing.T, format string, pkgs ...string) []string {
	t.Helper()
	args := append([]string{"list", "-deps", "-f", format}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v (the go command must be on PATH)", err)
	}
	return strings.Fields(string(out))
}

func TestPureGoPackagesUseNoCgo(t *testing.T) {
	for _, pkg := range []string{"./tracking", "./casefile", "./facedata"} {
		cgo := goList(t, "{{if .CgoFiles}}{{.ImportPath}}{{end}}", pkg)
		if len(cgo) > 0 {
			t.Errorf("%s depends on cgo packages %v; it must stay pure Go", pkg, cgo)
		}
		// The list above must see the dependencies at all: a package
		// always depends on the runtime.
		if all := goList(t, "{{.ImportPath}}", pkg); !contains(all, "runtime") {
			t.Fatalf("go list -deps %s gave %d packages without runtime: the check sees nothing", pkg, len(all))
		}
	}
}

func TestEngineAndStorageDoNotImportFyne(t *testing.T) {
	for _, pkg := range []string{"./media", "./recognition/...", "./casefile", "./tracking"} {
		for _, dep := range goList(t, "{{.ImportPath}}", pkg) {
			if strings.HasPrefix(dep, "fyne.io/") {
				t.Errorf("%s depends on %s: only ui/ may use Fyne", pkg, dep)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
