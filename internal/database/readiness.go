package database

import (
	"context"
	"errors"

	"github.com/campaignwatch/campaignwatch/internal/database/internal/dbsqlc"
)

// WriteHeartbeat makes the readiness probe's write to readiness_heartbeat
// (owned here, with the schema's status), as one statement in its own
// implicit transaction: one round trip, committed (and so flushed) like
// any other. by names the instance that wrote it.
func WriteHeartbeat(ctx context.Context, db dbsqlc.DBTX, by string) error {
	n, err := dbsqlc.New(db).BeatHeartbeat(ctx, by)
	if err == nil && n != 1 {
		err = errors.New("the readiness heartbeat row is missing")
	}
	return err
}
