package beforetrip_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The function length rule (docs/architecture.md, "Code size"): a function
// of the module is at most maxFuncLines lines from `func` to its closing
// brace, a function in a _test.go file at most maxTestFuncLines (a test is
// one scenario read top to bottom, with its table of cases and its
// subtests inline). A longer one says why in its doc comment with the
// words "long because".
const (
	maxFuncLines     = 80
	maxTestFuncLines = 200
	longMarker       = "long because"
)

// TestFunctionLength keeps the rule true: it walks every .go file of the
// module, tests included, and names each function too long without a
// reason.
func TestFunctionLength(t *testing.T) {
	var long []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && skipDir(path, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		found, err := longFuncs(path, src)
		long = append(long, found...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range long {
		t.Error(l)
	}
	if len(long) > 0 {
		t.Logf("split a long function by phase into named helpers, or give the reason in its doc comment: %q", "It is long because …")
	}
}

// skipDir reports folders that hold no code of this module: what the go
// tool ignores (testdata, names starting with . or _), npm's packages, and
// nested modules.
func skipDir(path, name string) bool {
	if name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return true
	}
	_, err := os.Stat(filepath.Join(path, "go.mod"))
	return err == nil
}

// longFuncs returns "file:line: ..." for each function of the Go source src
// over its limit without the marker in its doc comment.
func longFuncs(path string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	limit := maxFuncLines
	if strings.HasSuffix(path, "_test.go") {
		limit = maxTestFuncLines
	}
	var out []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		start, end := fset.Position(fn.Pos()).Line, fset.Position(fn.End()).Line
		if n := end - start + 1; n > limit && !hasReason(fn.Doc) {
			out = append(out, fmt.Sprintf("%s:%d: %s is %d lines, over %d, with no %q in its doc comment",
				filepath.ToSlash(path), start, fn.Name.Name, n, limit, longMarker))
		}
	}
	return out, nil
}

// hasReason reports whether doc says why its function is long. The marker
// may be broken across comment lines.
func hasReason(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	text := strings.Join(strings.Fields(strings.ToLower(doc.Text())), " ")
	return strings.Contains(text, longMarker)
}

func TestLongFuncs(t *testing.T) {
	body := func(n int) string { return strings.Repeat("\tprintln()\n", n-2) }
	tests := []struct {
		name, path, src string
		want            int
	}{
		{"at the limit", "a.go", "func f() {\n" + body(maxFuncLines) + "}\n", 0},
		{"over the limit", "a.go", "func f() {\n" + body(maxFuncLines+1) + "}\n", 1},
		{"reason", "a.go", "// f is long\n// because it is one table.\nfunc f() {\n" + body(maxFuncLines+1) + "}\n", 0},
		{"reason not in the doc comment", "a.go", "func f() {\n\t// long because\n" + body(maxFuncLines) + "}\n", 1},
		{"method", "a.go", "type T int\n\nfunc (T) m() {\n" + body(maxFuncLines+1) + "}\n", 1},
		{"test within its limit", "a_test.go", "func TestF() {\n" + body(maxTestFuncLines) + "}\n", 0},
		{"test over its limit", "a_test.go", "func TestF() {\n" + body(maxTestFuncLines+1) + "}\n", 1},
		{"declaration without body", "a.go", "func f()\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := longFuncs(tt.path, []byte("package p\n\n"+tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("got %q, want %d finding(s)", got, tt.want)
			}
		})
	}
}
