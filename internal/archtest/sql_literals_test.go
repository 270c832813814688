package archtest

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sqlStatement matches the start of an SQL statement or clause in a string
// literal. The codebase writes SQL keywords in capitals, which keeps the
// pattern from matching English ("Select a file"); otherwise it is broad:
// a false alarm costs a rewording, a miss lets SQL drift back into Go.
var sqlStatement = regexp.MustCompile(`(?s)\b(SELECT\s+[\w*(]|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|WITH\s+\w+\s+AS\s*\(|ON\s+CONFLICT\b|CREATE\s+(TABLE|INDEX|DATABASE)\b|DROP\s+(TABLE|DATABASE)\b|ALTER\s+(TABLE|DATABASE|SYSTEM)\b|LOCK\s+TABLE\b|COPY\s+\w+\s*\(|pg_advisory\w*\s*\(|\bFROM\s+\w+\s+WHERE\b)`)

// sqlAllowedDirs are the only places Go code may hold SQL text: the filter
// builder itself (its doc comment and tests show SQL) has none in strings
// either, so nothing is listed but the builder's package.
var sqlAllowedDirs = map[string]bool{
	"internal/sqlfilter": true,
}

// TestNoSQLInGoStrings keeps SQL in .sql files: static queries in
// <package>/queries for sqlc, dynamic families in .sql files read by
// internal/sqlfilter, schema in migrations/. Generated code and tests are
// not scanned.
func TestNoSQLInGoStrings(t *testing.T) {
	var findings []string
	for _, f := range sourceFiles(t) {
		if sqlAllowedDirs[f.dir] {
			continue
		}
		ast.Inspect(f.file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				s = lit.Value
			}
			if m := sqlStatement.FindString(s); m != "" {
				findings = append(findings, fmt.Sprintf("%s: %q", f.fset.Position(lit.Pos()), m))
			}
			return true
		})
	}
	require.Empty(t, strings.Join(findings, "\n"), "SQL in Go strings; move each to a .sql file (sqlc query or sqlfilter block)")
}
