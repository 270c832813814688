package complaints

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
)

// The intake reads what it needs (the party, the election, an earlier
// duplicate) in the same round trip as other statements, so those reads
// are queued on a pgx.Batch with a callback rather than run. database.Queue
// does this for the generated :exec queries; readOnBatch does it for the
// :one queries that the intake reads this way.

// readOnBatch returns the generated queries bound to b: calling one of its
// :one methods queues the statement on b, with scan as the callback that
// reads its row when the batch is sent, and returns at once with a zero
// result and no error. scan must read the columns in the query's order
// (see queries/*.sql).
func readOnBatch(b *pgx.Batch, scan func(pgx.Row) error) *dbsqlc.Queries {
	return dbsqlc.New(batchRead{b: b, scan: scan})
}

// batchRead is the dbsqlc.DBTX behind readOnBatch.
type batchRead struct {
	b    *pgx.Batch
	scan func(pgx.Row) error
}

// errBatchRead is returned for statements readOnBatch cannot queue: an
// :exec belongs on database.Queue, :many rows cannot be read through one
// callback, and a COPY cannot wait on a batch.
var errBatchRead = errors.New("complaints: only :one queries are read on a batch")

func (r batchRead) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	r.b.Queue(sql, args...).QueryRow(r.scan)
	return queuedRow{}
}

func (r batchRead) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, errBatchRead
}

func (r batchRead) Query(context.Context, string, ...any) (pgx.Rows, error) {
	return nil, errBatchRead
}

// CopyFrom refuses: a COPY streams its rows at once. It is here so that
// batchRead stays a dbsqlc.DBTX once the package has a :copyfrom query.
func (r batchRead) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, errBatchRead
}

// queuedRow is what a queued read returns at once: nothing to scan yet,
// and no error, since the statement has not run.
type queuedRow struct{}

func (queuedRow) Scan(...any) error { return nil }
