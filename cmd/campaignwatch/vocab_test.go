package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// A rulebook that renames a priority parses (its bands are consistent),
// but every result it gave would be refused by the database, so start-up
// refuses it, naming the constraint.
func TestStartUpRefusesARulebookPriorityTheDatabaseCannotStore(t *testing.T) {
	t.Parallel()
	rb := string(triage.DefaultRulebookYAML())
	rb = strings.Replace(rb, "{priority: urgent,", "{priority: critical,", 1)
	rb = strings.Replace(rb, "\n  urgent:", "\n  critical:", 1)
	_, err := triage.ParseRulebook([]byte(rb), "renamed.yaml")
	require.NoError(t, err, "the renamed rulebook is valid on its own")
	path := filepath.Join(t.TempDir(), "renamed.yaml")
	require.NoError(t, os.WriteFile(path, []byte(rb), 0o600))

	vars := baseVars(t, testdb.NewURL(t))
	vars["RULEBOOK"] = path
	code, _, stderr := runCLI(t, vars, "", "serve")
	require.Equal(t, 1, code, stderr)
	require.Contains(t, stderr, `band priority "critical" cannot be stored`)
	require.Contains(t, stderr, "complaints_priority_check")
	require.Contains(t, stderr, path)
}

// The check waits for a current schema, so the migrations that would make
// such a rulebook storable can always be applied: `migrate up` and
// `migrate status` run with it, and `serve --migrate` refuses it only
// after migrating.
func TestMigrateRunsWhateverTheRulebook(t *testing.T) {
	t.Parallel()
	rb := string(triage.DefaultRulebookYAML())
	rb = strings.Replace(rb, "{priority: urgent,", "{priority: critical,", 1)
	rb = strings.Replace(rb, "\n  urgent:", "\n  critical:", 1)
	path := filepath.Join(t.TempDir(), "renamed.yaml")
	require.NoError(t, os.WriteFile(path, []byte(rb), 0o600))

	vars := baseVars(t, testdb.NewEmptyURL(t))
	vars["RULEBOOK"] = path
	code, stdout, stderr := runCLI(t, vars, "", "migrate", "up")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "the database is current")
	code, _, stderr = runCLI(t, vars, "", "migrate", "status")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, vars, "", "serve", "--migrate")
	require.Equal(t, 1, code, stderr)
	require.Contains(t, stderr, "complaints_priority_check")
}
