package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is the module root: two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// goFile is one parsed non-test source file of the module.
type goFile struct {
	rel  string // slash-separated path from the module root
	dir  string // slash-separated package directory from the module root
	file *ast.File
	fset *token.FileSet
}

// sourceFiles parses every non-test, non-generated Go file of the module
// (var/, tools/ and hidden directories are not part of it).
func sourceFiles(t *testing.T) []goFile {
	t.Helper()
	root := repoRoot(t)
	var out []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || rel == "var" || rel == "tools" || rel == "bin" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		out = append(out, goFile{rel: rel, dir: filepath.ToSlash(filepath.Dir(rel)), file: f, fset: fset})
		return nil
	})
	require.NoError(t, err, "parsing the module's Go files")
	return out
}
