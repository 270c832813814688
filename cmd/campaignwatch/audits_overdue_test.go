package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func TestAuditsOverdueCommand(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	f := fixture.New(t, pool)
	party := f.Party(fixture.PartyName("Fen Party"))
	// One recommendation ten days past its target date with no update
	// since, one still in time.
	f.Audit(fixture.AuditParty(party.ID), fixture.AuditState("report_issued"),
		fixture.AuditRecs(fixture.DefaultRec(fixture.RecPriority("urgent"), fixture.RecArea("profiling"), fixture.RecTargetDays(-10)),
			fixture.DefaultRec(fixture.RecPriority("high"), fixture.RecTargetDays(10))))

	// Overdue: the urgent recommendation, in words, ten days late.
	code, stdout, stderr := runCLI(t, vars, "", "audits", "overdue")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `Fen Party\s+\d+\s+R1\s+Urgent\s+Profiling\s+.+\s+10\s+none`, stdout)
	require.Contains(t, stdout, "1 overdue on ")
	code, stdout, _ = runCLI(t, vars, "", "audits", "overdue", "--date", "2000-01-01")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "No recommendation was overdue on 1 January 2000.")
}
