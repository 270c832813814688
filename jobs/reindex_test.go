package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// once is a schedule that fires at once and then not for a day.
type once struct{ fired bool }

func (s *once) Next(t time.Time) time.Time {
	if !s.fired {
		s.fired = true
		return t
	}
	return t.Add(24 * time.Hour)
}

// reindexState reports whether River's REINDEX has been waiting past four
// statement timeouts, whether one is running at all, whether an invalid
// leftover of a cancelled concurrent reindex exists, and the args index's
// current oid (a completed REINDEX CONCURRENTLY gives it a new one).
const reindexState = `
SELECT
	EXISTS (SELECT 1 FROM pg_stat_activity WHERE query ILIKE 'REINDEX%' AND clock_timestamp() - query_start > 4 * $1::interval),
	EXISTS (SELECT 1 FROM pg_stat_activity WHERE query ILIKE 'REINDEX%' AND state = 'active'),
	EXISTS (SELECT 1 FROM pg_class WHERE relname LIKE 'river_job%ccnew%'),
	'river_job_args_index'::regclass::oid::bigint`

// TestRiverReindexOutlastsTheStatementTimeout proves River's maintenance,
// run through its own pool (database.OpenJobs) as `serve` runs it, is not
// cut off by the service's statement timeout: a REINDEX CONCURRENTLY that
// must wait for a writer longer than the timeout completes, and leaves no
// invalid _ccnew index behind.
func TestRiverReindexOutlastsTheStatementTimeout(t *testing.T) {
	ctx := context.Background()
	timeout := 200 * time.Millisecond
	pool := testdb.NewWithTimeouts(t, database.Timeouts{Statement: timeout, Lock: timeout, IdleInTx: time.Minute})
	riverPool, err := database.OpenJobs(ctx, pool)
	require.NoError(t, err)
	t.Cleanup(riverPool.Close)
	// No statement or lock timeout, but a stuck transaction still ends.
	var stmt, lock, idle string
	require.NoError(t, riverPool.QueryRow(ctx, `SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout')`).Scan(&stmt, &lock, &idle))
	require.Equal(t, []string{"0", "0", "1min"}, []string{stmt, lock, idle})
	var before int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT 'river_job_args_index'::regclass::oid::bigint`).Scan(&before))

	// A writer on river_job that the concurrent reindex must wait for.
	writer, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer writer.Rollback(ctx)
	_, err = writer.Exec(ctx, `LOCK TABLE river_job IN ROW EXCLUSIVE MODE`)
	require.NoError(t, err)

	client, err := jobs.NewClient(pool, jobs.NewRegistry(), jobs.Options{
		Workers: map[string]int{}, RiverPool: riverPool, ReindexerSchedule: &once{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	clientCtx, cancel := context.WithCancel(ctx)
	require.NoError(t, client.Start(clientCtx))
	t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })

	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	state := func() (waitedLong, running, leftover bool, oid int64) {
		require.NoError(t, riverPool.QueryRow(ctx, reindexState, timeout.String()).Scan(&waitedLong, &running, &leftover, &oid))
		return
	}
	for {
		waitedLong, running, leftover, _ := state()
		require.False(t, leftover && !running, "a cancelled reindex left an invalid _ccnew index")
		if waitedLong {
			break
		}
		<-tick.C
	}
	require.NoError(t, writer.Commit(ctx))
	for {
		_, running, leftover, oid := state()
		require.False(t, leftover && !running, "a cancelled reindex left an invalid _ccnew index")
		if oid != before && !leftover {
			return
		}
		<-tick.C
	}
}
