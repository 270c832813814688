package main

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/demo/complaintgen"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/reports"
)

// The acceptance case of issue 16: `demo --complaints 2000` next to a real
// election makes an election of its own, triages every complaint before
// it returns, spreads them over the campaign with quieter weekends and
// more towards polling day, and its surge raises an alert.
func TestDemoComplaintsMakeTheirOwnElection(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	ctx := context.Background()
	code, _, stderr := runCLI(t, vars, "", "demo")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, vars, "", "election", "call", "--name", "Real general election", "--name-cy", "Etholiad go iawn", "--type", "general",
		"--polling-day", time.Now().AddDate(0, 0, 30).Format(time.DateOnly),
		// Announced before the demo election's own campaign begins, so
		// the demo election is the later announced of the two: intake
		// must still never file a real complaint under it.
		"--announced", time.Now().AddDate(0, 0, -40).Format(time.DateOnly), "--yes")
	require.Equal(t, 0, code, stderr)

	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	defer pool.Close()
	count := func(sql string, args ...any) int {
		t.Helper()
		var n int
		require.NoError(t, pool.QueryRow(ctx, sql, args...).Scan(&n))
		return n
	}
	var real int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM elections WHERE name = 'Real general election'`).Scan(&real))

	const n = 2000
	start := time.Now()
	code, stdout, stderr := runCLI(t, vars, "", "demo", "--complaints", fmt.Sprint(n))
	require.Equal(t, 0, code, stderr)
	t.Logf("demo --complaints %d took %s", n, time.Since(start))
	require.Contains(t, stdout, fmt.Sprintf("Demo complaints: %d created, %d triaged", n, n))
	require.Contains(t, stdout, complaintgen.DemoElectionName)
	require.Regexp(t, `Surge: \d+ complaints about .+ in the last 24 hours; 1 alert\(s\) raised\.`, stdout)

	var demoID int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM elections WHERE name = $1`, complaintgen.DemoElectionName).Scan(&demoID))
	require.NotEqual(t, real, demoID)
	require.Zero(t, count(`SELECT count(*) FROM complaints WHERE election_id = $1`, real), "the real election is untouched")
	require.Equal(t, n, count(`SELECT count(*) FROM complaints WHERE election_id = $1`, demoID))
	require.Zero(t, count(`SELECT count(*) FROM complaints WHERE election_id = $1 AND (priority IS NULL OR status = 'new')`, demoID), "untriaged")
	require.Zero(t, count(`SELECT count(*) FROM complaints WHERE closed_at > now()`), "nothing closed in the future")
	require.Equal(t, n, count(`SELECT count(*) FROM triage_results WHERE is_current`))
	require.GreaterOrEqual(t, count(`SELECT count(DISTINCT (received_at AT TIME ZONE 'Europe/London')::date) FROM complaints`), 20)
	require.Equal(t, 1, count(`SELECT count(*) FROM alerts WHERE election_id = $1 AND status = 'open'`, demoID))

	// The staff dashboard's daily chart of the demo election has at least
	// 20 days with complaints.
	var dashErr bytes.Buffer
	a, err := openApp(ctx, &env{stdout: &dashErr, stderr: &dashErr, getenv: func(k string) string { return vars[k] }}, app.Options{})
	require.NoError(t, err)
	defer a.Close()
	d, err := a.ReportStore.Dashboard(ctx, reports.DashboardFilter{ElectionID: demoID})
	require.NoError(t, err)
	require.Len(t, d.Elections, 1)
	days := 0
	for _, day := range d.Elections[0].Daily {
		if day.Total > 0 {
			days++
		}
	}
	require.GreaterOrEqual(t, days, 20, "days with complaints on the dashboard")
	require.Equal(t, n, d.Elections[0].Complaints)

	// A complaint from the public made now is filed under the real
	// election, never the demonstration one, and no follow-up letters
	// will ever be due for the demonstration.
	rc, err := a.Complaints.Submit(ctx, complaints.Submission{Channel: vocab.ChannelSMS, PartyText: "Labour Party",
		ReceivedAt: time.Now(), Sender: "07700 900123", Message: "Vote for us", Consent: "no", Source: "web", Lang: "en"}, complaints.Meta{})
	require.NoError(t, err)
	var filedUnder int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT election_id FROM complaints WHERE reference = $1`, rc.Reference).Scan(&filedUnder))
	require.Equal(t, real, filedUnder, "a real complaint went into the demonstration election")
	require.Equal(t, 1, count(`SELECT count(*) FROM elections WHERE demo`))

	// The daily shape: weekdays busier than weekends, the last full week
	// before today busier than the first week of the campaign.
	var weekday, weekend, firstWeek, lastWeek float64
	require.NoError(t, pool.QueryRow(ctx, `WITH d AS (
		SELECT (received_at AT TIME ZONE 'Europe/London')::date AS day, count(*) AS n FROM complaints
		WHERE (received_at AT TIME ZONE 'Europe/London')::date < (now() AT TIME ZONE 'Europe/London')::date - 1
		GROUP BY 1)
		SELECT avg(n) FILTER (WHERE extract(isodow FROM day) < 6), avg(n) FILTER (WHERE extract(isodow FROM day) >= 6),
			avg(n) FILTER (WHERE day < (SELECT min(day) FROM d) + 7), avg(n) FILTER (WHERE day >= (SELECT max(day) FROM d) - 6)
		FROM d`).Scan(&weekday, &weekend, &firstWeek, &lastWeek))
	require.Greater(t, weekday, weekend*1.3)
	require.Greater(t, lastWeek, firstWeek*1.5)

	// A second run makes a second election of its own.
	code, stdout, stderr = runCLI(t, vars, "", "demo", "--complaints", "30")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "Demo complaints: 30 created, 30 triaged")
	require.Equal(t, 2, count(`SELECT count(*) FROM elections WHERE name = $1`, complaintgen.DemoElectionName))
	require.Equal(t, 1, count(`SELECT count(*) FROM complaints WHERE election_id = $1`, real), "only the public's complaint")
}

// The CLI's tables name types, phases and roles in words, never by code.
func TestCLITablesShowLabels(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewURL(t))
	code, _, stderr := runCLI(t, vars, "", "demo", "--complaints", "60")
	require.Equal(t, 0, code, stderr)
	code, stdout, stderr := runCLI(t, vars, "", "election", "list")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, complaintgen.DemoElectionName)
	require.Contains(t, stdout, "UK general election")
	require.Contains(t, stdout, "Campaign")
	require.NotRegexp(t, `\s\s(general|campaign)\s\s`, stdout)

	code, stdout, stderr = runCLI(t, vars, "", "user", "add", "--email", "pt@example.org", "--role", "political_team")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "Created pt@example.org (Political team).")
	require.NotContains(t, stdout, "political_team")
}
