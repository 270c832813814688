package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// holdLock takes sql's lock in a transaction on a connection of its own
// and keeps it until the test ends, as a stuck migration or a hung
// administrator's session would.
func holdLock(t *testing.T, e *webtest.Env, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := e.Pool.Acquire(ctx)
	require.NoError(t, err)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, sql)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(ctx); conn.Release() })
}

func TestRequestOnAHungDatabaseAnswers503WithinTheDeadline(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{Env: map[string]string{"DB_STATEMENT_TIMEOUT": "1s", "REQUEST_TIMEOUT": "5s"}})
	token, _ := e.Token(staff.RolePoliticalTeam)
	c := e.Anonymous()
	pc := e.SignedIn(staff.RolePoliticalTeam)
	// Without a deadline the request waits for the lock for ever; the
	// client gives up long before that and the test fails. (The test
	// pool has no server-side timeouts, so the request deadline acts.)
	c.Client.Timeout = 30 * time.Second
	holdLock(t, e, `LOCK TABLE parties IN ACCESS EXCLUSIVE MODE`)

	req, err := http.NewRequest(http.MethodGet, c.URL("/api/v1/parties"), nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/json")
	res := c.Do(req, token)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode, body)
	require.NotEmpty(t, res.Header.Get("Retry-After"))
	var got struct{ Error, Code string }
	require.NoError(t, json.Unmarshal([]byte(body), &got), body)
	require.Equal(t, "unavailable", got.Code)
	require.Contains(t, got.Error, "Please try again")

	// A page answers the same way, as a page.
	pc.Client.Timeout = 30 * time.Second
	res = pc.Get("/staff/parties")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.Contains(t, body, "Please try again")
}

func TestReadyzNeedsTheDatabaseToTakeAWrite(t *testing.T) {
	t.Parallel()
	// Every probe checks afresh (see TestReadyzFloodMakesOneWrite for the
	// shared answer). Not 1ms: a probe and the change the test makes just
	// before the next can both fit in one millisecond on a local socket.
	e := webtest.New(t, webtest.Options{Env: map[string]string{"READY_CACHE": "1ns"}})
	c := e.Anonymous()
	c.Client.Timeout = 30 * time.Second
	ctx := context.Background()
	ready := func() (int, string) {
		res := c.Get("/readyz")
		var got struct{ Status, Reason string }
		body := webtest.ReadBody(res)
		require.NoError(t, json.Unmarshal([]byte(body), &got), body)
		return res.StatusCode, got.Reason
	}
	code, _ := ready()
	require.Equal(t, http.StatusOK, code)

	// A read-only server (a standby, or default_transaction_read_only as
	// an administrator sets when the disk is nearly full): not ready.
	var db string
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT current_database()`).Scan(&db))
	alter := func(sql string) {
		_, err := e.Pool.Exec(ctx, `BEGIN READ WRITE; `+sql+`; COMMIT`)
		require.NoError(t, err)
		e.Pool.Reset() // settings of a database apply to new sessions
	}
	alter(`ALTER DATABASE ` + pgx.Identifier{db}.Sanitize() + ` SET default_transaction_read_only = on`)
	code, reason := ready()
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "database is read-only", reason)
	alter(`ALTER DATABASE ` + pgx.Identifier{db}.Sanitize() + ` RESET default_transaction_read_only`)
	code, _ = ready()
	require.Equal(t, http.StatusOK, code)

	// A write that hangs: not ready, within the probe's own deadline.
	holdLock(t, e, `SELECT * FROM readiness_heartbeat FOR UPDATE`)
	code, reason = ready()
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "database write timed out", reason)
}
