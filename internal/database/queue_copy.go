package database

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// CopyFrom refuses: a COPY streams its rows at once and cannot wait on a
// batch. It is here so a Queue still satisfies the DBTX interface sqlc
// generates for a package that has a :copyfrom query.
func (q Queue) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, errQueueReads
}
