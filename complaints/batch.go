package complaints

import (
	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// The intake reads what it needs (the party, the election, an earlier
// duplicate) in the same round trip as other statements, so those reads
// are queued on a pgx.Batch with database.QueueScan, and its :exec
// statements with database.Queue. Each read has its own scan because some
// of its columns may be NULL where sqlc's row types hold no NULL, and
// because "no row" is an answer there, not a failure.

// newQueries is dbsqlc.New for database.QueueScan.
func newQueries(db database.DBTX) *dbsqlc.Queries { return dbsqlc.New(db) }
