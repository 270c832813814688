package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestElectionCallAsksBeforeSending(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	code, _, stderr := runCLI(t, vars, "", "demo")
	require.Equal(t, 0, code, stderr)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	// The call's steps are tested here; the letters' languages in
	// outreach (the shipped templates gain Welsh on another branch).
	_, err = pool.Exec(context.Background(), `UPDATE party_contacts SET language = 'en'`)
	require.NoError(t, err)
	count := func(table string) int {
		var n int
		require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n))
		return n
	}
	call := []string{"election", "call", "--name", "NI Assembly 2099", "--type", "ni_assembly", "--polling-day", "2099-05-07"}

	// Not at a terminal and no --yes: the preview, then a refusal.
	code, stdout, stderr := runCLI(t, vars, "y\n", call...)
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "nothing was sent")
	require.Contains(t, stderr, "pass --yes")
	require.Contains(t, stdout, "PARTY")
	require.Contains(t, stdout, "Democratic Unionist Party")
	require.Contains(t, stdout, "English")
	require.Contains(t, stdout, "Letters: 9, Election reminder (")
	require.Contains(t, stdout, "English version 1")
	require.Contains(t, stdout, "Sample letter, to ")
	require.Contains(t, stderr, `"Send 9 letters?"`)
	require.Zero(t, count("elections")+count("letters")+count("letter_batches"), "nothing created")

	code, stdout, stderr = runCLI(t, vars, "", append(call, "--dry-run")...)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "Dry run: nothing was sent.")
	require.Zero(t, count("elections"))

	code, stdout, stderr = runCLI(t, vars, "", append(call, "--yes")...)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "Election 1 called: 9 letters in batch 1")
	require.Contains(t, stdout, "(released), Election reminder, version 1.", "the batch state and template in words")
	require.Equal(t, 9, count("letters"))

	// A past polling day: refused, then recorded only.
	past := []string{"election", "call", "--name", "NI Assembly 2022", "--type", "ni_assembly", "--announced", "2022-03-28", "--polling-day", "2022-05-05", "--yes"}
	code, _, stderr = runCLI(t, vars, "", past...)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "Polling day was 5 May 2022, which has passed.")
	code, stdout, stderr = runCLI(t, vars, "", append(past, "--record-only")...)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "Record only")
	require.Contains(t, stdout, "Election 2 recorded. No letters were written.")
	require.Equal(t, 9, count("letters"))

	// Letters to chosen parties, by id.
	var dup, sf string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT (SELECT id::text FROM parties WHERE short_name = 'DUP'), (SELECT id::text FROM parties WHERE short_name = 'Sinn Fein')`).Scan(&dup, &sf))
	send := []string{"letters", "send", "--template", "election-reminder", "--party", dup, "--party", sf, "--election", "1"}
	code, stdout, stderr = runCLI(t, vars, "", send...)
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, `"Send 2 letters?"`)
	require.Contains(t, stdout, "Sinn Féin")
	require.Equal(t, 9, count("letters"))
	code, stdout, stderr = runCLI(t, vars, "", append(send, "--yes")...)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "2 letters in batch 2")
	require.Equal(t, 11, count("letters"))

	code, _, stderr = runCLI(t, vars, "", "letters", "send", "--template", "election-reminder")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "--party: give at least one party's id")
}
