package complaintform_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestComplaintFormDatabaseOutage stops the test server's own database in
// the middle of several people's forms: they get the "try again" page
// (503) with their answers kept, and once it is back every complaint that
// was given a reference is stored, and no other.
func TestComplaintFormDatabaseOutage(t *testing.T) {
	t.Parallel()
	// A burst large enough that the retries below are not rate limited.
	env := webtest.New(t, webtest.Options{Env: map[string]string{"COMPLAINT_BURST": "50"}})
	ctx := context.Background()
	partyID := addParty(t, env, "Example Party")
	var dbName string
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT current_database()`).Scan(&dbName))
	admin, err := pgx.Connect(ctx, testdb.ServerURL(t))
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close(ctx) })
	stop := func() {
		_, err := admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS false`, pgx.Identifier{dbName}.Sanitize()))
		require.NoError(t, err)
		_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, dbName)
		require.NoError(t, err)
	}
	start := func() {
		_, err := admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS true`, pgx.Identifier{dbName}.Sanitize()))
		require.NoError(t, err)
	}
	t.Cleanup(start)

	var shown []string
	confirm := func(w *formWalker) {
		t.Helper()
		status, body := w.Get("/complaints/new/confirmation")
		require.Equal(t, http.StatusOK, status)
		ref := formtest.ReferenceRE.FindString(body)
		require.NotEmpty(t, ref)
		shown = append(shown, ref)
	}

	// One person sends before the outage.
	a := newFormWalker(t, env)
	a.walkToCheck(partyID, "before the outage")
	a.Step("/complaints/new/check", url.Values{}, "/complaints/new/confirmation")
	confirm(a)

	// Another is on check answers, a third has just started.
	b := newFormWalker(t, env)
	b.walkToCheck(partyID, "during the outage")
	c := newFormWalker(t, env)
	c.Step("/complaints/new", url.Values{"channel": {"live_call"}}, "/complaints/new/sender")

	stop()

	// Sending fails cleanly, with the retry page, and says the answers
	// are kept.
	for i := 0; i < 3; i++ {
		status, _, body := b.Post("/complaints/new/check", url.Values{})
		require.Equal(t, http.StatusServiceUnavailable, status)
		require.Contains(t, body, "Sorry, there is a problem with the service")
		require.Contains(t, body, "We have kept your answers")
	}
	res := b.C.PostFormRaw("/complaints/new/check", url.Values{"csrf_token": {b.CSRF}})
	res.Body.Close()
	require.Equal(t, "30", res.Header.Get("Retry-After"))

	// Pages that need no database carry on; those that do say "try again".
	c.Step("/complaints/new/sender", url.Values{"sender": {"withheld"}, "received_day": {"2"}, "received_month": {"3"},
		"received_year": {"2024"}}, "/complaints/new/message")
	c.Step("/complaints/new/message", url.Values{"message": {"Hello, I'm calling from the party"}}, "/complaints/new/contacted")
	c.Step("/complaints/new/contacted", url.Values{"contacted": {"01632 960001"}}, "/complaints/new/permission")
	c.Step("/complaints/new/permission", url.Values{"consent": {"no"}, "tps_registered": {"yes"}}, "/complaints/new/party")
	status, body := c.Get("/complaints/new/party")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Contains(t, body, "Sorry, there is a problem with the service")

	var n int
	require.Error(t, env.Pool.QueryRow(ctx, `SELECT 1`).Scan(&n), "the database really is unavailable")

	start()

	// Sending again succeeds (the pool may need a moment to reconnect).
	var status2 int
	var loc string
	deadline := time.Now().Add(10 * time.Second)
	for {
		status2, loc, body = b.Post("/complaints/new/check", url.Values{})
		if status2 != http.StatusServiceUnavailable || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, http.StatusSeeOther, status2, body)
	require.Equal(t, "/complaints/new/confirmation", loc)
	confirm(b)

	// The third person's answers survived the outage in their cookie.
	status, body = c.Get("/complaints/new/party")
	require.Equal(t, http.StatusOK, status, body)
	c.Step("/complaints/new/party", url.Values{"party": {"other"}, "party_text": {"A candidate"}}, "/complaints/new/evidence")
	status3, loc3, body3 := c.Upload("", nil, "continue")
	require.Equal(t, http.StatusSeeOther, status3, body3)
	require.Equal(t, "/complaints/new/about-you", loc3)
	c.Step("/complaints/new/about-you", url.Values{}, "/complaints/new/check")
	status, body = c.Get("/complaints/new/check")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "Hello, I&#39;m calling from the party")
	c.Step("/complaints/new/check", url.Values{}, "/complaints/new/confirmation")
	confirm(c)

	// Every reference shown is stored, and nothing else is.
	rows, err := env.Pool.Query(ctx, `SELECT reference FROM complaints ORDER BY reference`)
	require.NoError(t, err)
	stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	sort.Strings(shown)
	require.Equal(t, shown, stored)
	var jobs int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage'`).Scan(&jobs))
	require.Equal(t, len(shown), jobs, "one triage job per stored complaint")
}
