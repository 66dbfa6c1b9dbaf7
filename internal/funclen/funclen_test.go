package funclen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// allowed are the functions that may be longer than MaxLines, by
// "path/to/file.go:Name" (methods as "Type.Name"), with the reason. An
// entry whose function got short (or went away) fails the test too, so
// the list only shrinks.
var allowed = map[string]string{}

// root is the repository, two levels up from this package.
const root = "../.."

// skipDir reports whether a directory holds no code of ours: hidden ones,
// installed models and package caches, test data.
func skipDir(rel string, name string) bool {
	if rel == "." {
		return false
	}
	return strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" ||
		rel == "models/data" || rel == "models/cache"
}

// longFunctions returns the non-test functions of the tree longer than
// MaxLines, as allowed's keys mapped to their length, and how many
// functions were measured.
func longFunctions(t *testing.T) (map[string]int, int) {
	t.Helper()
	long := map[string]int{}
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if skipDir(rel, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n++
			if lines := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; lines > MaxLines {
				long[rel+":"+funcName(fd)] = lines
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return long, n
}

// funcName is Name, or Type.Name for a method.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	typ := fd.Recv.List[0].Type
	for {
		switch x := typ.(type) {
		case *ast.StarExpr:
			typ = x.X
			continue
		case *ast.IndexExpr:
			typ = x.X
			continue
		case *ast.IndexListExpr:
			typ = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
}

func TestNoLongFunctions(t *testing.T) {
	long, n := longFunctions(t)
	// The walk must see the project: it has far more than a few hundred
	// functions.
	if n < 500 {
		t.Fatalf("measured only %d functions under %s: the walk sees nothing", n, root)
	}
	for _, name := range slices.Sorted(maps.Keys(long)) {
		if _, ok := allowed[name]; !ok {
			t.Errorf("%s is %d lines long (at most %d): split it into well-named helpers", name, long[name], MaxLines)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(allowed)) {
		if _, ok := long[name]; !ok {
			why := allowed[name]
			t.Errorf("%s is allowed to be long (%s) but is not (or is gone): remove it from the allow-list", name, why)
		}
	}
}

func TestFuncName(t *testing.T) {
	src := `package p
func f() {}
func (T) g() {}
func (*T) h() {}
func (l *List[E]) i() {}
func (m Map[K, V]) j() {}
`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range f.Decls {
		got = append(got, funcName(d.(*ast.FuncDecl)))
	}
	if want := "f T.g T.h List.i Map.j"; strings.Join(got, " ") != want {
		t.Errorf("names %q, want %q", got, want)
	}
}
