package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// countHeartbeats installs a trigger, in the test's own database, that
// counts the writes /readyz makes, and returns the count so far.
func countHeartbeats(t *testing.T, e *webtest.Env) func() int {
	ctx := context.Background()
	_, err := e.Pool.Exec(ctx, `
		CREATE TABLE test_heartbeats (n int NOT NULL);
		CREATE FUNCTION test_count_heartbeat() RETURNS trigger LANGUAGE plpgsql AS
			$$ BEGIN INSERT INTO test_heartbeats VALUES (1); RETURN NEW; END $$;
		CREATE TRIGGER test_count_heartbeat AFTER UPDATE ON readiness_heartbeat
			FOR EACH ROW EXECUTE FUNCTION test_count_heartbeat();`)
	require.NoError(t, err)
	return func() int {
		var n int
		require.NoError(t, e.Pool.QueryRow(ctx, `SELECT count(*) FROM test_heartbeats`).Scan(&n))
		return n
	}
}

// readyz fetches /readyz and returns its status and reason.
func readyz(t *testing.T, c *webtest.Client) (int, string) {
	res, err := c.Client.Get(c.URL("/readyz"))
	if !assert.NoError(t, err, "GET /readyz") {
		return 0, ""
	}
	var got struct{ Status, Reason string }
	body := webtest.ReadBody(res)
	assert.NoError(t, json.Unmarshal([]byte(body), &got), "GET /readyz: %s", body)
	return res.StatusCode, got.Reason
}

// TestReadyzFloodMakesOneWrite sends many probes at once: they share one
// check, so the database sees one heartbeat write, and every probe is
// answered ready.
func TestReadyzFloodMakesOneWrite(t *testing.T) {
	t.Parallel()
	// A period longer than the flood takes, so the count is exact.
	e := webtest.New(t, webtest.Options{Env: map[string]string{"READY_CACHE": "1m"}})
	beats := countHeartbeats(t, e)
	c := e.Anonymous()

	const probes = 50
	var wg sync.WaitGroup
	codes := make([]int, probes)
	start := make(chan struct{})
	for i := range probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			codes[i], _ = readyz(t, c)
		}()
	}
	close(start)
	wg.Wait()
	for i, code := range codes {
		require.Equal(t, http.StatusOK, code, "probe %d", i)
	}
	require.Equal(t, 1, beats(), "probes arriving together make one heartbeat write")
}

// TestReadyzFailureShowsWithinThePeriod checks that the shared answer does
// not hide a database that stopped taking writes for longer than
// READY_CACHE (plus the check itself).
func TestReadyzFailureShowsWithinThePeriod(t *testing.T) {
	t.Parallel()
	const period = time.Second
	e := webtest.New(t, webtest.Options{Env: map[string]string{"READY_CACHE": period.String()}})
	c := e.Anonymous()
	code, _ := readyz(t, c)
	require.Equal(t, http.StatusOK, code)

	ctx := context.Background()
	var db string
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT current_database()`).Scan(&db))
	_, err := e.Pool.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{db}.Sanitize()+` SET default_transaction_read_only = on`)
	require.NoError(t, err)
	e.Pool.Reset() // settings of a database apply to new sessions
	readOnlySince := time.Now()

	var reason string
	require.Eventually(t, func() bool {
		code, reason = readyz(t, c)
		return code == http.StatusServiceUnavailable
	}, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, "database is read-only", reason)
	require.Less(t, time.Since(readOnlySince), period+3*time.Second, "the failure showed within the period and the check's deadline")
}
