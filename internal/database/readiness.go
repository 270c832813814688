package database

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/database/internal/dbsqlc"
)

// WriteHeartbeat updates the readiness_heartbeat row (migration 055) in
// the name of by, the host making the check. It is one statement in its
// own implicit transaction: one round trip, committed (and so flushed)
// like any other write, which is what a readiness probe needs to know.
func WriteHeartbeat(ctx context.Context, pool *pgxpool.Pool, by string) error {
	n, err := dbsqlc.New(pool).BeatHeartbeat(ctx, by)
	if err == nil && n != 1 {
		err = errors.New("the readiness heartbeat row is missing")
	}
	return err
}
