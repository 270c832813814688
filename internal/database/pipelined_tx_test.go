package database_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// pipelinedPool is a one-connection pool on an empty database with a
// table t, so every test sees what its transactions left on that one
// connection.
func pipelinedPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(testdb.NewEmptyURL(t))
	require.NoError(t, err)
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = pool.Exec(ctx, `CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)`)
	require.NoError(t, err)
	return pool
}

func count(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	// A connection the code under test failed to return would make this
	// wait for ever: the deadline turns that into a failure.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM t`).Scan(&n))
	return n
}

func TestPipelinedTxDeferredStatementsTravelWithTheNextQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pipelinedPool(t)

	var backend int
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_backend_pid()`).QueryRow(func(r pgx.Row) error { return r.Scan(&backend) })
	b.Queue(`INSERT INTO t VALUES (1, 'held')`)
	tx, err := database.BeginDeferred(ctx, pool, b)
	require.NoError(t, err)
	require.Zero(t, backend, "nothing is sent before the transaction's next statement")

	// The next statement carries BEGIN and the held ones; their callbacks
	// have run by the time its rows are read, and the transaction is still
	// open afterwards.
	rows, err := tx.Query(ctx, `SELECT v, pg_backend_pid() FROM t`)
	require.NoError(t, err)
	vals, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var v string
		var pid int
		err := r.Scan(&v, &pid)
		require.Equal(t, backend, pid)
		return v, err
	})
	require.NoError(t, err)
	require.Equal(t, []string{"held"}, vals)
	require.NotZero(t, backend)
	require.Equal(t, byte('T'), tx.Conn().PgConn().TxStatus())
	var one int
	require.NoError(t, tx.QueryRow(ctx, `SELECT 1`).Scan(&one))

	w := &pgx.Batch{}
	w.Queue(`INSERT INTO t VALUES (2, 'last')`)
	require.NoError(t, tx.CommitBatch(ctx, w))
	require.NoError(t, tx.Rollback(ctx), "rollback after commit does nothing")
	require.Equal(t, 2, count(t, pool))
}

func TestPipelinedTxFailureKeepsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pipelinedPool(t)
	_, err := pool.Exec(ctx, `INSERT INTO t VALUES (1, 'first')`)
	require.NoError(t, err)

	// A held statement that fails is the next statement's error.
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO t VALUES (1, 'again')`)
	tx, err := database.BeginDeferred(ctx, pool, b)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO t VALUES (5, 'after')`)
	var pe *pgconn.PgError
	require.True(t, errors.As(err, &pe), "%v", err)
	require.Equal(t, "23505", pe.Code)
	require.NoError(t, tx.Rollback(ctx))

	// A failure in the committing batch keeps nothing of the transaction.
	tx, err = database.BeginBatch(ctx, pool, &pgx.Batch{QueuedQueries: []*pgx.QueuedQuery{{SQL: `INSERT INTO t VALUES (2, 'ok')`}}})
	require.NoError(t, err)
	w := &pgx.Batch{}
	w.Queue(`INSERT INTO t VALUES (3, 'ok')`)
	w.Queue(`INSERT INTO t VALUES (1, 'clash')`)
	require.Error(t, tx.CommitBatch(ctx, w))
	require.Equal(t, 1, count(t, pool))

	// A transaction aborted by a statement whose error was ignored is not
	// reported as committed.
	tx, err = database.BeginBatch(ctx, pool, &pgx.Batch{})
	require.NoError(t, err)
	_, _ = tx.Exec(ctx, `INSERT INTO t VALUES (1, 'clash')`)
	err = tx.CommitBatch(ctx, nil)
	require.Error(t, err)
	require.Equal(t, 1, count(t, pool))

	// Rolled back explicitly, a transaction leaves nothing, and the pool's
	// only connection is clean for the next one.
	tx, err = database.BeginBatch(ctx, pool, &pgx.Batch{QueuedQueries: []*pgx.QueuedQuery{{SQL: `INSERT INTO t VALUES (4, 'ok')`}}})
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))
	require.Equal(t, 1, count(t, pool))
	_, err = tx.Exec(ctx, `SELECT 1`)
	require.ErrorIs(t, err, pgx.ErrTxClosed)
	_, err = tx.Begin(ctx)
	require.Error(t, err)

	// Rows returned with an error are safe to use, as pgx promises, so
	// `rows, _ := tx.Query(...)` finds the error in rows.Err.
	rows, err := tx.Query(ctx, `SELECT 1`)
	require.ErrorIs(t, err, pgx.ErrTxClosed)
	require.False(t, rows.Next())
	require.ErrorIs(t, rows.Err(), pgx.ErrTxClosed)
	rows.Close()
	tx, err = database.BeginDeferred(ctx, pool, &pgx.Batch{QueuedQueries: []*pgx.QueuedQuery{{SQL: `SELECT 1/0`}}})
	require.NoError(t, err)
	rows, _ = tx.Query(ctx, `SELECT 1`)
	require.False(t, rows.Next())
	var pe2 *pgconn.PgError
	require.True(t, errors.As(rows.Err(), &pe2), "%v", rows.Err())
	rows.Close()
	require.NoError(t, tx.Rollback(ctx))
	require.Equal(t, 1, count(t, pool))
}

// beginDeferred begins a deferred transaction that the test's cleanup
// rolls back, so a failed assertion with the transaction open cannot
// leave closing the one-connection pool waiting for ever.
func beginDeferred(t *testing.T, pool *pgxpool.Pool, b *pgx.Batch) *database.PipelinedTx {
	t.Helper()
	tx, err := database.BeginDeferred(context.Background(), pool, b)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(context.Background()) })
	return tx
}

func TestPipelinedTxRowsReadToTheEndFreeTheConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pipelinedPool(t)

	// Rows read to the end without Close must leave the connection ready
	// for the next statement, as pgx's own rows do.
	tx := beginDeferred(t, pool, &pgx.Batch{QueuedQueries: []*pgx.QueuedQuery{{SQL: `INSERT INTO t VALUES (1, 'a')`}}})
	rows, err := tx.Query(ctx, `SELECT v FROM t`)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 1, n)
	_, err = tx.Exec(ctx, `INSERT INTO t VALUES (2, 'b')`)
	require.NoError(t, err, "the connection is free after Next returned false")

	// QueryRow with no row, the statements held: ErrNoRows, and the
	// connection free.
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO t VALUES (3, 'c')`)
	require.NoError(t, tx.CommitBatch(ctx, nil))
	tx = beginDeferred(t, pool, b)
	var v string
	require.ErrorIs(t, tx.QueryRow(ctx, `SELECT v FROM t WHERE id = 99`).Scan(&v), pgx.ErrNoRows)
	require.NoError(t, tx.Commit(ctx))
	require.Equal(t, 3, count(t, pool))
}

func TestPipelinedTxSendBatchAnswersTheCallersStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pipelinedPool(t)

	held := 0
	b := &pgx.Batch{}
	b.Queue(`SELECT 41`).QueryRow(func(r pgx.Row) error { return r.Scan(&held) })
	tx := beginDeferred(t, pool, b)
	require.Zero(t, held, "nothing is sent before the transaction's next statement")

	// The held statement's result is read for it; the caller reads its
	// own results, in its own order.
	mine := &pgx.Batch{}
	mine.Queue(`SELECT 'first'`)
	mine.Queue(`SELECT 'second'`)
	br := tx.SendBatch(ctx, mine)
	require.Equal(t, 41, held, "the held statement's callback has run")
	var first, second string
	require.NoError(t, br.QueryRow().Scan(&first))
	require.NoError(t, br.QueryRow().Scan(&second))
	require.NoError(t, br.Close())
	require.Equal(t, []string{"first", "second"}, []string{first, second})

	// A held statement's failure is every read's error.
	require.NoError(t, tx.Rollback(ctx))
	tx = beginDeferred(t, pool, &pgx.Batch{QueuedQueries: []*pgx.QueuedQuery{{SQL: `SELECT 1/0`}}})
	br = tx.SendBatch(ctx, mine)
	_, err := br.Exec()
	var pe *pgconn.PgError
	require.True(t, errors.As(err, &pe), "%v", err)
	require.Equal(t, "22012", pe.Code)
	require.Error(t, br.Close())
	require.NoError(t, tx.Rollback(ctx))

	// Once ended, the transaction answers with ErrTxClosed, not a panic.
	require.ErrorIs(t, tx.SendBatch(ctx, mine).Close(), pgx.ErrTxClosed)
	require.Nil(t, tx.Conn())
	require.ErrorIs(t, tx.Flush(ctx), pgx.ErrTxClosed)
	require.Panics(t, func() { tx.LargeObjects() })
}

func TestPipelinedTxFlushAndCommitCallbacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pipelinedPool(t)

	// Flush sends what is held and runs its callbacks; with nothing held
	// it does nothing.
	got := 0
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO t VALUES (1, 'a') RETURNING id`).QueryRow(func(r pgx.Row) error { return r.Scan(&got) })
	tx := beginDeferred(t, pool, b)
	require.NoError(t, tx.Flush(ctx))
	require.Equal(t, 1, got)
	got = 0
	require.NoError(t, tx.Flush(ctx))
	require.Zero(t, got, "nothing held: the second Flush sends nothing")

	// A callback in the committing batch would run after COMMIT, so
	// CommitBatch refuses it and keeps nothing.
	w := &pgx.Batch{}
	w.Queue(`INSERT INTO t VALUES (2, 'b')`).Exec(func(pgconn.CommandTag) error { return nil })
	require.ErrorIs(t, tx.CommitBatch(ctx, w), database.ErrCommitCallback)
	require.Equal(t, 0, count(t, pool))

	// So are held statements with callbacks that nothing has sent.
	tx = beginDeferred(t, pool, b)
	require.ErrorIs(t, tx.Commit(ctx), database.ErrCommitCallback)
	require.Equal(t, 0, count(t, pool))
}

// TestPipelinedTxCommitOutcome: a statement failing in the committing
// batch is a known rollback; the backend dying while it commits (here by
// its own hand, from a trigger that runs at COMMIT) leaves the outcome
// unknown to the client, and CommitBatch says so.
func TestPipelinedTxCommitOutcome(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pipelinedPool(t)
	_, err := pool.Exec(ctx, `
CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.v = 'die at commit' THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION die();`)
	require.NoError(t, err)

	tx, err := database.BeginBatch(ctx, pool, &pgx.Batch{})
	require.NoError(t, err)
	w := &pgx.Batch{}
	w.Queue(`INSERT INTO t VALUES (1, 'ok')`)
	w.Queue(`INSERT INTO t VALUES (1, 'clash')`)
	err = tx.CommitBatch(ctx, w)
	require.Error(t, err)
	require.NotErrorIs(t, err, database.ErrCommitUnknown, "a failed statement is a known rollback")

	tx, err = database.BeginBatch(ctx, pool, &pgx.Batch{})
	require.NoError(t, err)
	w = &pgx.Batch{}
	w.Queue(`INSERT INTO t VALUES (2, 'die at commit')`)
	err = tx.CommitBatch(ctx, w)
	require.ErrorIs(t, err, database.ErrCommitUnknown)
	require.Equal(t, 0, count(t, pool), "the backend died before its commit was done")
}
