package database_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func TestPoolConnectionsHaveServerSideTimeouts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.NewURL(t)
	pool, err := database.Open(ctx, url, 2, database.Timeouts{Statement: 500 * time.Millisecond, Lock: 200 * time.Millisecond, IdleInTx: time.Minute})
	require.NoError(t, err)
	defer pool.Close()

	var st, lt, it string
	require.NoError(t, pool.QueryRow(ctx, `SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout')`).Scan(&st, &lt, &it))
	require.Equal(t, []string{"500ms", "200ms", "1min"}, []string{st, lt, it})

	// A statement that runs too long is ended by the server and counts as
	// "the database is unavailable", not as a bug.
	_, err = pool.Exec(ctx, `SELECT pg_sleep(30)`)
	require.Equal(t, "57014", pgCode(err), "statement_timeout: %v", err)
	require.True(t, database.Unavailable(err))

	// A statement waiting for a lock gives up at lock_timeout.
	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(ctx)
	_, err = holder.Exec(ctx, `LOCK TABLE parties IN ACCESS EXCLUSIVE MODE`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `SELECT count(*) FROM parties`)
	require.Equal(t, "55P03", pgCode(err), "lock_timeout: %v", err)
	require.True(t, database.Unavailable(err))
	require.NoError(t, holder.Rollback(ctx))

	// Long work lifts the statement timeout for its own transaction, and
	// its context's deadline takes over.
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := database.LongWork(ctx, tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT pg_sleep(0.7)`)
		return err
	})
	require.NoError(t, err)
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err = pgx.BeginFunc(short, pool, func(tx pgx.Tx) error {
		if err := database.LongWork(short, tx); err != nil {
			return err
		}
		var limit string
		if err := tx.QueryRow(short, `SELECT current_setting('statement_timeout')`).Scan(&limit); err != nil {
			return err
		}
		require.NotEqual(t, "0", limit, "the deadline becomes the statement timeout")
		require.NotEqual(t, "500ms", limit)
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, pool.QueryRow(ctx, `SELECT current_setting('statement_timeout')`).Scan(&st))
	require.Equal(t, "500ms", st, "the pool's timeout is back after the transaction")

	// Ordinary mistakes are not "unavailable".
	_, err = pool.Exec(ctx, `SELECT * FROM no_such_table`)
	require.Error(t, err)
	require.False(t, database.Unavailable(err))
	require.False(t, database.Unavailable(context.Canceled))
}

func TestMigrationsAreExemptFromThePoolTimeouts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.NewEmptyURL(t)
	// A statement timeout no migration could meet.
	pool, err := database.Open(ctx, url, 2, database.Timeouts{Statement: time.Millisecond, Lock: time.Millisecond})
	require.NoError(t, err)
	defer pool.Close()
	_, err = database.Migrate(ctx, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
}

// TestTestPoolsRunWithProductionTimeouts proves tests measure what
// production enforces: a test pool's connections start with the same
// statement, lock and idle-in-transaction timeouts as `serve` has with no
// DB_*_TIMEOUT set.
func TestTestPoolsRunWithProductionTimeouts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	want := database.DefaultTimeouts()
	require.Equal(t, database.Timeouts{Statement: 10 * time.Second, Lock: 5 * time.Second, IdleInTx: 5 * time.Minute}, want)
	var stmt, lock, idle string
	require.NoError(t, pool.QueryRow(ctx, `SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout')`).Scan(&stmt, &lock, &idle))
	require.Equal(t, []string{"10s", "5s", "5min"}, []string{stmt, lock, idle})
}
