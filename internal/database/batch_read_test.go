package database_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/database"
)

// queries stands in for a package's sqlc-generated Queries: its methods
// are written the way sqlc writes :one, :many and :exec methods for pgx/v5.
type queries struct{ db database.DBTX }

func newQueries(db database.DBTX) *queries { return &queries{db: db} }

const (
	valueOf  = `SELECT v FROM t WHERE id = $1`
	valuesIn = `SELECT id, v FROM t WHERE id >= $1 ORDER BY id`
	insertT  = `INSERT INTO t (id, v) VALUES ($1, $2)`
)

type row struct {
	ID int32
	V  string
}

func (q *queries) ValueOf(ctx context.Context, id int32) (string, error) {
	r := q.db.QueryRow(ctx, valueOf, id)
	var v string
	err := r.Scan(&v)
	return v, err
}

func (q *queries) ValuesIn(ctx context.Context, from int32) ([]row, error) {
	rows, err := q.db.Query(ctx, valuesIn, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	items := []row{}
	for rows.Next() {
		var i row
		if err := rows.Scan(&i.ID, &i.V); err != nil {
			return nil, err
		}
		items = append(items, i)
	}
	return items, rows.Err()
}

func (q *queries) Insert(ctx context.Context, id int32, v string) error {
	_, err := q.db.Exec(ctx, insertT, id, v)
	return err
}

func TestStatementRecordsWithoutRunning(t *testing.T) {
	t.Parallel()
	sql, args := database.Statement(newQueries, func(q *queries) { _, _ = q.ValueOf(context.Background(), 7) })
	require.Equal(t, valueOf, sql)
	require.Equal(t, []any{int32(7)}, args)
}

// TestQueueReadsOnOneBatch queues an insert and the reads of every kind
// on one batch: each statement is queued, not run, until the batch is sent
// (in one round trip), and the reads see the insert queued before them.
func TestQueueReadsOnOneBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pipelinedPool(t)
	_, err := pool.Exec(ctx, `INSERT INTO t (id, v) VALUES (1, 'one')`)
	require.NoError(t, err)

	b := &pgx.Batch{}
	require.NoError(t, newQueries(database.Queue{Batch: b}).Insert(ctx, 2, "two"))
	var many []row
	database.QueueRows(b, newQueries, func(q *queries) ([]row, error) { return q.ValuesIn(ctx, 1) }, func(rows []row) error {
		many = rows
		return nil
	})
	var one string
	database.QueueRow(b, newQueries, func(q *queries) (string, error) { return q.ValueOf(ctx, 2) }, func(v string) error {
		one = v
		return nil
	})
	var scanned string
	found := true
	database.QueueScan(b, newQueries, func(q *queries) { _, _ = q.ValueOf(ctx, 3) }, func(r pgx.Row) error {
		err := r.Scan(&scanned)
		if errors.Is(err, pgx.ErrNoRows) {
			found = false
			return nil
		}
		return err
	})
	require.Equal(t, 4, b.Len())
	require.Equal(t, 1, count(t, pool), "nothing runs before the batch is sent")
	require.Nil(t, many)

	require.NoError(t, pool.SendBatch(ctx, b).Close())
	require.Equal(t, []row{{1, "one"}, {2, "two"}}, many)
	require.Equal(t, "two", one)
	require.False(t, found)
	require.Empty(t, scanned)
	require.Equal(t, 2, count(t, pool))
}

// TestQueueRowWithoutARowFailsTheBatch: like the generated method,
// QueueRow reports a missing row as pgx.ErrNoRows, and done is not called.
func TestQueueRowWithoutARowFailsTheBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pipelinedPool(t)
	b := &pgx.Batch{}
	called := false
	database.QueueRow(b, newQueries, func(q *queries) (string, error) { return q.ValueOf(ctx, 9) }, func(string) error {
		called = true
		return nil
	})
	require.ErrorIs(t, pool.SendBatch(ctx, b).Close(), pgx.ErrNoRows)
	require.False(t, called)
}

// A call that sends no statement, or two, is a bug the recorder refuses at
// once: queued, an empty statement would hang the batch's send, and the
// first of two would be lost.
func TestStatementRefusesCallsThatDoNotSendExactlyOne(t *testing.T) {
	ctx := context.Background()
	require.PanicsWithValue(t, "database.Statement: the call sent 0 statements; it must send exactly one", func() {
		database.Statement(newQueries, func(*queries) {})
	})
	require.PanicsWithValue(t, "database.Statement: the call sent 2 statements; it must send exactly one", func() {
		database.Statement(newQueries, func(q *queries) {
			_, _ = q.ValueOf(ctx, 1)
			_, _ = q.ValueOf(ctx, 2)
		})
	})
	var b pgx.Batch
	require.Panics(t, func() {
		database.QueueScan(&b, newQueries, func(*queries) {}, func(pgx.Row) error { return nil })
	})
	require.Zero(t, b.Len(), "nothing is queued for a call that sent nothing")
}
