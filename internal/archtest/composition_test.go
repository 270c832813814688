package archtest

import (
	"fmt"
	"go/ast"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/campaignwatch/campaignwatch"

// compositionRoots may build services of other packages: the composition
// root itself and the test-support packages that stand in for parts of it
// (an SMTP server, a fixture factory) or start it (webtest).
var compositionRoots = map[string]bool{
	"internal/app":     true,
	"internal/fixture": true,
}

// valueConstructors are New functions of other packages that make plain
// values, not services holding a pool, a client or a mailer: calling them
// anywhere is fine. Add a name only when the type holds no dependencies.
var valueConstructors = map[string]bool{
	"internal/apperr.New":           true, // an error value
	"internal/apperr.NewFieldError": true,
	"complaints.NewReference":       true, // the one reference generator
	"complaints/triage.NewContext":  true, // the engine's input, a value
	"internal/testdb.New":           true, // a test's own database
	"internal/testdb.NewURL":        true,
	"internal/testdb.NewEmptyURL":   true,
	"internal/mail/mailtest.New":    true, // an in-process SMTP server for tests
}

// TestOnlyTheCompositionRootBuildsServices keeps the wiring in one place:
// a package may call its own constructors, and the composition root calls
// everyone's. Anyone else gets what it needs passed in.
func TestOnlyTheCompositionRootBuildsServices(t *testing.T) {
	var findings []string
	for _, f := range sourceFiles(t) {
		if compositionRoots[f.dir] {
			continue
		}
		imports := map[string]string{} // local name → package dir
		for _, imp := range f.file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, module+"/") {
				continue
			}
			dir := strings.TrimPrefix(p, module+"/")
			name := dir[strings.LastIndex(dir, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imports[name] = dir
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			x, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			dir, ok := imports[x.Name]
			// A package's own internal packages (its sqlc code) are its own.
			if !ok || dir == f.dir || strings.HasPrefix(dir, f.dir+"/internal/") || !strings.HasPrefix(sel.Sel.Name, "New") {
				return true
			}
			if valueConstructors[dir+"."+sel.Sel.Name] {
				return true
			}
			findings = append(findings, fmt.Sprintf("%s: %s builds %s.%s", f.fset.Position(call.Pos()), f.dir, dir, sel.Sel.Name))
			return true
		})
	}
	require.Empty(t, strings.Join(findings, "\n"), "only the composition root (internal/app) builds services of other packages; pass them in instead")
}
