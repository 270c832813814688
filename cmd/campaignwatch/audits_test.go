package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestAuditsCommands(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	f := fixture.New(t, pool)
	party := f.Party(fixture.PartyName("Fen Party"))
	// An audit with its report issued and one recommendation ten days
	// past its target date, with no update since.
	au := f.Audit(fixture.AuditParty(party.ID), fixture.AuditState("report_issued"),
		fixture.AuditRecs(fixture.DefaultRec(fixture.RecPriority("urgent"), fixture.RecArea("profiling"), fixture.RecTargetDays(-10))))

	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	header := "area,priority,finding,action,target_date,provisions\n"
	good := write("good.csv", header+
		"lawful_basis,high,Consent is bundled with membership terms.,Separate consent from membership.,2099-01-31,PECR-22\n"+
		"accountability,low,Training records are incomplete.,Keep a record of training.,2099-02-28,\n")
	bad := write("bad.csv", header+
		"lawful_basis,critical,Consent is bundled.,Separate consent.,2099-01-31,PECR-22\n"+
		"finance,high,Budgets.,Audit budgets.,2099-01-31,UKGDPR-999\n")

	// Usage errors: exit 2.
	code, _, stderr := runCLI(t, vars, "", "audits")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "say 'audits list'")
	code, _, stderr = runCLI(t, vars, "", "audits", "import", good)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "--audit N")
	code, _, stderr = runCLI(t, vars, "", "audits", "import", "--audit", fmt.Sprint(au.ID))
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "give the FILE to import")
	code, _, stderr = runCLI(t, vars, "", "audits", "list", "--state", "finished")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `unknown state "finished"`)
	code, _, _ = runCLI(t, vars, "", "audits", "overdue", "--date", "yesterday")
	require.Equal(t, 2, code)
	code, stdout, _ := runCLI(t, vars, "", "audits", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "audits import --audit N [--dry-run] FILE")

	// The list shows labels, not codes.
	code, stdout, stderr = runCLI(t, vars, "", "audits", "list")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "Fen Party")
	require.Contains(t, stdout, "Compulsory audit (assessment notice)")
	require.Contains(t, stdout, "Report issued")
	require.NotContains(t, stdout, "report_issued")

	// An invalid file: every problem, row by row, nothing stored, exit 1
	// with one sentence; a dry run says the same.
	for _, dry := range []bool{true, false} {
		args := []string{"audits", "import", "--audit", fmt.Sprint(au.ID), bad}
		want := "so nothing was imported."
		if dry {
			args = append(args, "--dry-run")
			want = "so nothing would be imported."
		}
		code, stdout, stderr = runCLI(t, vars, "", args...)
		require.Equal(t, 1, code, stdout)
		require.Regexp(t, `^campaignwatch audits: The file has \d+ problems, `+want+"\n$", stderr)
		require.Regexp(t, `2\s+priority\s+`, stdout)
		require.Regexp(t, `3\s+area\s+`, stdout)
		require.Regexp(t, `3\s+provisions\s+`, stdout)
	}
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1`, au.ID).Scan(&n))
	require.Equal(t, 1, n, "the invalid file stored nothing")

	// A good file: the dry run stores nothing, the import both rows.
	code, stdout, stderr = runCLI(t, vars, "", "audits", "import", good, "--audit", fmt.Sprint(au.ID), "--dry-run")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "dry run")
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1`, au.ID).Scan(&n))
	require.Equal(t, 1, n)
	code, stdout, stderr = runCLI(t, vars, "", "audits", "import", "--audit", fmt.Sprint(au.ID), good)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "2 recommendations added")
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1`, au.ID).Scan(&n))
	require.Equal(t, 3, n)
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE actor = 'cli' AND action = 'audit_recommendation.import'`).Scan(&n))
	require.Equal(t, 2, n, "each imported recommendation is in the audit log, by the command line")
}
