package database

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A pipeline sends several statements in one round trip on a pgx.Batch.
// Queue queues a generated :exec query. A generated query that returns rows
// (:one or :many) reads them as soon as it runs, which a batch cannot do
// before it is sent, so QueueRows, QueueRow and QueueScan split it in two:
// they call the generated method once to record the statement it sends
// (its SQL and arguments, exactly as generated), queue that statement, and
// read its results when the batch is sent. QueueRows and QueueRow run the
// generated method again on those results, so the generated code still does
// the scanning; QueueScan hands the row to the caller's own scan, for a
// query whose generated row type cannot hold what it returns (a NULL in a
// column sqlc typed as non-null) or whose "no row" is an answer.
//
// Each package passes its own sqlc constructor through a wrapper, as
// newQ: func(db database.DBTX) *dbsqlc.Queries { return dbsqlc.New(db) }.
// The call given must send exactly one statement and be safe to call twice
// (build its arguments, call one generated method, nothing else).

// DBTX has the method set of the DBTX interface sqlc generates for pgx/v5,
// so a value of it can be passed to any package's dbsqlc.New.
type DBTX interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
	Query(context.Context, string, ...any) (pgx.Rows, error)
	QueryRow(context.Context, string, ...any) pgx.Row
	CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error)
}

// QueueRows queues on b the statement run sends (one generated :many
// query) and, when b is sent, passes the rows run returns to done. An
// error from run or done is the statement's error in the batch.
func QueueRows[Q, T any](b *pgx.Batch, newQ func(DBTX) Q, run func(Q) ([]T, error), done func([]T) error) {
	sql, args := Statement(newQ, func(q Q) { _, _ = run(q) })
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		out, err := run(newQ(replay{rows: rows}))
		if err != nil {
			return err
		}
		return done(out)
	})
}

// QueueRow is QueueRows for a generated :one query. A query that finds no
// row fails with pgx.ErrNoRows, as the generated method does; where no row
// is an answer, use QueueScan.
func QueueRow[Q, T any](b *pgx.Batch, newQ func(DBTX) Q, run func(Q) (T, error), done func(T) error) {
	sql, args := Statement(newQ, func(q Q) { _, _ = run(q) })
	b.Queue(sql, args...).QueryRow(func(row pgx.Row) error {
		out, err := run(newQ(replay{row: row}))
		if err != nil {
			return err
		}
		return done(out)
	})
}

// QueueScan queues on b the statement call sends (one generated :one
// query) and, when b is sent, reads its row with scan, which must read the
// columns in the query's order (see the package's queries/*.sql). scan
// gets pgx.ErrNoRows from Scan when there is no row; what scan returns is
// the statement's error in the batch.
func QueueScan[Q any](b *pgx.Batch, newQ func(DBTX) Q, call func(Q), scan func(pgx.Row) error) {
	sql, args := Statement(newQ, call)
	b.Queue(sql, args...).QueryRow(scan)
}

// Statement returns the SQL and arguments of the statement call sends
// through its q, without running it. call must send exactly one
// statement: it panics otherwise, because an empty statement queued on a
// batch would hang its send, and a second one would be lost.
func Statement[Q any](newQ func(DBTX) Q, call func(Q)) (sql string, args []any) {
	r := &recorder{}
	call(newQ(r))
	if r.calls != 1 || r.sql == "" {
		panic(fmt.Sprintf("database.Statement: the call sent %d statements; it must send exactly one", r.calls))
	}
	return r.sql, r.args
}

// errRecorded stops a generated query once its statement is recorded, and
// refuses what a replay cannot answer.
var errRecorded = errors.New("database: statement recorded for a batch, not run")

// recorder is the DBTX that records the statement a generated query sends.
type recorder struct {
	sql   string
	args  []any
	calls int
}

func (r *recorder) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	r.sql, r.args = sql, args
	r.calls++
	return pgconn.CommandTag{}, errRecorded
}

func (r *recorder) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	r.sql, r.args = sql, args
	r.calls++
	return nil, errRecorded
}

func (r *recorder) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	r.sql, r.args = sql, args
	r.calls++
	return recordedRow{}
}

// CopyFrom refuses: a COPY streams its rows at once and cannot be queued.
func (r *recorder) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	r.calls++
	return 0, errRecorded
}

// recordedRow is what a recorded :one query scans: nothing, since the
// statement has not run.
type recordedRow struct{}

func (recordedRow) Scan(...any) error { return errRecorded }

// replay is the DBTX that answers a generated query with the results its
// statement had in the batch.
type replay struct {
	rows pgx.Rows
	row  pgx.Row
}

func (replay) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errRecorded
}

func (r replay) Query(context.Context, string, ...any) (pgx.Rows, error) { return r.rows, nil }

func (r replay) QueryRow(context.Context, string, ...any) pgx.Row { return r.row }

// CopyFrom refuses, as recorder's does.
func (replay) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, errRecorded
}
