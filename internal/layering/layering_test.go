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

// TestAppShipsNoTestMachinery checks that the desktop app links neither
// Go's testing package nor Fyne's test driver: CI's screenshot tour (which
// needs Fyne's software painter, and through it both) is built only with
// the "tour" tag.
func TestAppShipsNoTestMachinery(t *testing.T) {
	deps := goList(t, "{{.ImportPath}}", "./cmd/facecase")
	if !contains(deps, "fyne.io/fyne/v2") {
		t.Fatalf("go list -deps ./cmd/facecase gave %d packages without Fyne: the check sees nothing", len(deps))
	}
	for _, bad := range []string{"testing", "fyne.io/fyne/v2/test", "facecase/internal/testenv", "facecase/ui/internal/uitest"} {
		if contains(deps, bad) {
			t.Errorf("the desktop app links %s: test machinery must not ship", bad)
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
