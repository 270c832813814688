package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestPartyCommands(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	good := write("good.csv", "party_name,nations,contact_name,contact_email\nFen Party,england;wales,Kit,kit@fen.example.org\n")
	bad := write("bad.csv", "party_name,nations,contact_name,contact_email\nFen Party,england,Kit,kit@fen.example.org\nMoor,mars,Lu,lu@moor.example.org\n")

	// Usage errors: exit 2.
	code, _, stderr := runCLI(t, vars, "", "party")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "say 'party import'")
	code, _, stderr = runCLI(t, vars, "", "party", "import")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "give the FILE to import")
	code, _, _ = runCLI(t, vars, "", "party", "export")
	require.Equal(t, 2, code)
	code, stdout, _ := runCLI(t, vars, "", "party", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "party import FILE [--dry-run]")
	code, _, _ = runCLI(t, vars, "", "party", "import", "--help")
	require.Equal(t, 0, code)

	// Failures: exit 1 with one sentence.
	code, _, stderr = runCLI(t, vars, "", "party", "import", filepath.Join(dir, "missing.csv"))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "cannot open")
	code, stdout, stderr = runCLI(t, vars, "", "party", "import", bad)
	require.Equal(t, 1, code)
	require.Equal(t, "campaignwatch party: The file has 1 problem, so nothing was imported.\n", stderr)
	require.Regexp(t, `3\s+nations\s+"mars" is not a nation`, stdout)

	code, stdout, stderr = runCLI(t, vars, "", "party", "import", good, "--dry-run")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "dry run")
	code, stdout, stderr = runCLI(t, vars, "", "party", "import", "--dry-run=false", good)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "parties 1 new")
	code, stdout, _ = runCLI(t, vars, "", "party", "import", good)
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "parties 0 new, 0 changed, 1 unchanged; contacts 0 new, 0 changed, 1 unchanged")

	code, stdout, _ = runCLI(t, vars, "", "party", "list", "--nation", "wales")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "Fen Party")
	require.Contains(t, stdout, "England, Wales")

	out := filepath.Join(dir, "registry.xlsx")
	code, _, stderr = runCLI(t, vars, "", "party", "export", "--out", out)
	require.Equal(t, 0, code, stderr)
	code, stdout, _ = runCLI(t, vars, "", "party", "import", out)
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "0 new, 0 changed, 1 unchanged", "export then import is a no-op")

	// The built binary gives the same exit codes as a real process.
	cmd := exec.Command(binary, "party", "import", bad)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, "PATH="+os.Getenv("PATH"))
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "%v", err)
	require.Equal(t, 1, ee.ExitCode())
	require.Contains(t, so.String(), "mars")
	require.Equal(t, 1, strings.Count(se.String(), "\n"), "one line on stderr: %q", se.String())

	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM parties`).Scan(&n))
	require.Equal(t, 1, n, "the bad file stored nothing")
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE actor = 'cli' AND action = 'party.import'`).Scan(&n))
	require.Equal(t, 1, n)
}
