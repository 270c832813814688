package database

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Queue lets sqlc-generated :exec queries be queued on a pgx.Batch instead
// of run at once, so statements of several packages can travel in one round
// trip (a PipelinedTx, or audit entries sent with the change they record):
//
//	dbsqlc.New(database.Queue{Batch: b}).InsertEntry(ctx, params)
//
// Only Exec is meaningful: a statement that returns rows must be run, and
// Query and QueryRow say so.
type Queue struct {
	Batch *pgx.Batch
}

// errQueueReads is returned by Query and QueryRow: a batch holds
// statements for later, and rows cannot be read from it now.
var errQueueReads = errors.New("database.Queue: only :exec queries can be queued on a batch")

// Exec queues the statement and reports success; the statement's own
// result arrives when the caller sends the batch.
func (q Queue) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	q.Batch.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

// Query refuses: see errQueueReads.
func (q Queue) Query(context.Context, string, ...any) (pgx.Rows, error) {
	return nil, errQueueReads
}

// QueryRow refuses: see errQueueReads.
func (q Queue) QueryRow(context.Context, string, ...any) pgx.Row {
	return errRow{}
}

type errRow struct{}

func (errRow) Scan(...any) error { return errQueueReads }
