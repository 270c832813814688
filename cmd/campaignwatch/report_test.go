package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestReportFollowUpCommand(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	code, _, stderr := runCLI(t, vars, "", "report", "follow-up", "--out", "x.pdf")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "--election is required")

	code, _, stderr = runCLI(t, vars, "", "demo", "--complaints", "150")
	require.Equal(t, 0, code, stderr)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	var election, party int64
	var total int
	// The report leaves out complaints triage found to be for another
	// body, so the party's total counts only those in scope.
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT c.election_id, c.party_id, count(*) FROM complaints c
		WHERE c.party_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM triage_results t
			WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)
		GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`).Scan(&election, &party, &total))

	out := filepath.Join(t.TempDir(), "party.pdf")
	code, stdout, stderr := runCLI(t, vars, "", "report", "follow-up", "--election", i64(election), "--party", i64(party), "--out", out)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "Wrote the report on "+i64(int64(total))+" complaints about ")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, "%PDF-", string(data[:5]))

	out = filepath.Join(t.TempDir(), "all.pdf")
	code, stdout, stderr = runCLI(t, vars, "", "report", "follow-up", "--election", i64(election), "--out", out)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, " parties to ")
	code, _, stderr = runCLI(t, vars, "", "report", "follow-up", "--election", "999999", "--out", out)
	require.NotEqual(t, 0, code)
	require.Contains(t, stderr, "There is no election 999999")
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }
