package review

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// The pipeline sends most of its statements on a pgx.Batch, several to a
// round trip. A generated :exec query is queued with database.Queue. A
// generated query that returns rows (:many or :one) reads them as soon as
// it runs, which a batch cannot do before it is sent; queueRows and
// queueRow queue such a query and run it again, on its own results, once
// the batch is sent, so the generated code still does the scanning.

// queued is the q of a batch: :exec queries on it are queued on b.
func queued(b *pgx.Batch) *dbsqlc.Queries { return dbsqlc.New(database.Queue{Batch: b}) }

// queueRows queues on b the statement run sends (one generated :many
// query) and, when b is sent, passes the rows run returns to done.
func queueRows[T any](b *pgx.Batch, run func(*dbsqlc.Queries) ([]T, error), done func([]T) error) {
	st := record(func(q *dbsqlc.Queries) { _, _ = run(q) })
	b.Queue(st.sql, st.args...).Query(func(rows pgx.Rows) error {
		out, err := run(dbsqlc.New(replay{rows: rows}))
		if err != nil {
			return err
		}
		return done(out)
	})
}

// queueRow is queueRows for a generated :one query.
func queueRow[T any](b *pgx.Batch, run func(*dbsqlc.Queries) (T, error), done func(T) error) {
	st := record(func(q *dbsqlc.Queries) { _, _ = run(q) })
	b.Queue(st.sql, st.args...).QueryRow(func(row pgx.Row) error {
		out, err := run(dbsqlc.New(replay{row: row}))
		if err != nil {
			return err
		}
		return done(out)
	})
}

// statement is what a generated query sends: its SQL and arguments.
type statement struct {
	sql  string
	args []any
}

// errRecorded stops a generated query once its statement is recorded.
var errRecorded = errors.New("review: statement recorded, not run")

// recorder is a dbsqlc.DBTX that records the statement it is given.
type recorder struct{ st *statement }

func (r recorder) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	*r.st = statement{sql, args}
	return pgconn.CommandTag{}, errRecorded
}

func (r recorder) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	*r.st = statement{sql, args}
	return nil, errRecorded
}

func (r recorder) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	*r.st = statement{sql, args}
	return recordedRow{}
}

type recordedRow struct{}

func (recordedRow) Scan(...any) error { return errRecorded }

// record returns the statement call sends through its q.
func record(call func(*dbsqlc.Queries)) statement {
	var st statement
	call(dbsqlc.New(recorder{&st}))
	return st
}

// replay is a dbsqlc.DBTX that answers a generated query with the results
// its statement had in a batch.
type replay struct {
	rows pgx.Rows
	row  pgx.Row
}

func (replay) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errRecorded
}

func (r replay) Query(context.Context, string, ...any) (pgx.Rows, error) { return r.rows, nil }

func (r replay) QueryRow(context.Context, string, ...any) pgx.Row { return r.row }

// CopyFrom completes dbsqlc.DBTX; the pipeline never queues a COPY.
func (recorder) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, errRecorded
}

// CopyFrom completes dbsqlc.DBTX; the pipeline never queues a COPY.
func (replay) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, errRecorded
}
