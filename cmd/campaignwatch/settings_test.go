package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// `migrate up` seeds the first version of the organisation settings from
// the environment, once: a second run, or other values in the
// environment, leave the stored version as it is.
func TestMigrateSeedsTheOrganisationSettingsOnce(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	vars["LETTER_SIGNATORY_NAME"] = "Morgan Ellis"
	vars["LETTER_CONTACT_MAILBOX"] = "elections@regulator.example.org"
	code, _, stderr := runCLI(t, vars, "", "migrate", "up")
	require.Equal(t, 0, code, stderr)
	vars["LETTER_SIGNATORY_NAME"] = "Someone Else"
	code, _, stderr = runCLI(t, vars, "", "migrate", "up")
	require.Equal(t, 0, code, stderr)

	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	var n int
	var name, mailbox string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) OVER (), settings->'signatories'->''->>'name',
		settings->>'contact_mailbox' FROM organisation_settings`).Scan(&n, &name, &mailbox))
	require.Equal(t, 1, n)
	require.Equal(t, "Morgan Ellis", name)
	require.Equal(t, "elections@regulator.example.org", mailbox)
}

func TestSettingsShowAndHistory(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewURL(t))
	vars["LETTER_CONTACT_MAILBOX"] = "elections@regulator.example.org"
	code, stdout, stderr := runCLI(t, vars, "", "settings", "show")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, `"contact_mailbox": "elections@regulator.example.org"`)
	require.Contains(t, stdout, `"has_image": false`)
	code, stdout, stderr = runCLI(t, vars, "", "settings", "history")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `(?m)^1\s+system\s+`, stdout)
	code, _, stderr = runCLI(t, vars, "", "settings", "show", "--version", "9")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "There is no version 9 of the settings.")
	code, _, stderr = runCLI(t, vars, "", "settings", "change")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `unknown subcommand "change"`)
}
