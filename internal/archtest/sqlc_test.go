package archtest

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// sqlc runs the pinned sqlc (tools/go.mod) in the module root.
func sqlc(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"tool", "-modfile=tools/go.mod", "sqlc"}, args...)...)
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestGeneratedCodeIsCurrent fails when a .sql query file or sqlc.yaml
// changed without `make generate`.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	out, err := sqlc(t, nil, "diff")
	require.NoError(t, err, "the sqlc-generated code is stale; run `make generate` and commit the result:\n%s", out)
}

// TestQueriesMatchTheSchema prepares every static query against a freshly
// migrated database (sqlc vet, rule sqlc/db-prepare), so a migration that
// renames or retypes a column a query uses fails here, not in production.
func TestQueriesMatchTheSchema(t *testing.T) {
	url := testdb.NewURL(t)
	out, err := sqlc(t, []string{"SQLC_DATABASE_URL=" + url}, "vet")
	require.NoError(t, err, "sqlc vet found queries that do not match the schema:\n%s", out)
}
