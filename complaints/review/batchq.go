package review

import (
	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// The pipeline sends most of its statements on a pgx.Batch, several to a
// round trip: :exec queries through database.Queue, queries that return
// rows through database.QueueRows and database.QueueRow.

// queued is the q of a batch: :exec queries on it are queued on b.
func queued(b *pgx.Batch) *dbsqlc.Queries { return dbsqlc.New(database.Queue{Batch: b}) }

// newQueries is dbsqlc.New for database.QueueRows and database.QueueRow.
func newQueries(db database.DBTX) *dbsqlc.Queries { return dbsqlc.New(db) }
