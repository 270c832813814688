package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestImportOutlastsRequestAndStatementTimeouts runs a party import that
// takes longer than REQUEST_TIMEOUT and the database's statement_timeout
// (both 1s): it waits on a table lock the test holds. The import has its
// own, longer deadline and lifts the statement timeout, so it completes
// once the lock is released, instead of answering 503 after a second.
func TestImportOutlastsRequestAndStatementTimeouts(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"REQUEST_TIMEOUT": "1s", "DB_STATEMENT_TIMEOUT": "1s"}})
	ctx := context.Background()
	token, _ := env.Token(staff.RolePoliticalTeam)
	c := env.Anonymous()

	// The test pool has no server-side timeouts; give its database the
	// one DB_STATEMENT_TIMEOUT gives production's pool.
	var db string
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT current_database()`).Scan(&db))
	_, err := env.Pool.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{db}.Sanitize()+` SET statement_timeout = '1s'`)
	require.NoError(t, err)
	env.Pool.Reset() // settings of a database apply to new sessions

	// A writer holds the registry, as a page edit would.
	conn, err := env.Pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `LOCK TABLE parties IN ROW EXCLUSIVE MODE`)
	require.NoError(t, err)

	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, c.URL("/api/v1/parties/import"),
			strings.NewReader("party_name,nations\nSlow Import Party,wales\n"))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := c.Client.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()

	// The import is waiting for the lock...
	require.Eventually(t, func() bool {
		var n int
		_ = env.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%LOCK TABLE parties%'`).Scan(&n)
		return n == 1
	}, 10*time.Second, 20*time.Millisecond, "the import waits for the table lock")
	// ...and is still waiting well past both timeouts rather than cut off:
	// wait until its statement has waited 2.5s, or until it answers.
	require.Eventually(t, func() bool {
		var waited bool
		_ = env.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%LOCK TABLE parties%'
			AND now() - query_start > interval '2500 milliseconds')`).Scan(&waited)
		return waited || len(answered) > 0
	}, 10*time.Second, 20*time.Millisecond)
	require.Empty(t, answered, "the import was cut off by the request deadline or the statement timeout")

	require.NoError(t, tx.Rollback(ctx))
	select {
	case status := <-answered:
		require.Equal(t, http.StatusOK, status)
	case <-time.After(30 * time.Second):
		require.Fail(t, "the import did not finish once the lock was released")
	}
	var n int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM parties WHERE name = 'Slow Import Party'`).Scan(&n))
	require.Equal(t, 1, n)
}
