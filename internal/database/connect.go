package database

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/pgcluster"
)

// DevDatabase is the database name used inside the private cluster.
const DevDatabase = "campaignwatch"

// DB is an open pool and, in development mode, the private cluster it
// runs on.
type DB struct {
	Pool *pgxpool.Pool
	// JobsPool is River's own pool (OpenJobs), for the clients that work
	// jobs.
	JobsPool *pgxpool.Pool
	URL      string
	cluster  *pgcluster.Cluster
	started  bool
}

// Connect opens DATABASE_URL, or in development mode starts (or reuses) the
// private cluster under VAR_DIR/pg and opens its database.
func Connect(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*DB, error) {
	db := &DB{URL: cfg.DatabaseURL}
	if cfg.DevMode() {
		c := &pgcluster.Cluster{Dir: cfg.VarDir, Logger: logger}
		started, err := c.Start(ctx)
		if err != nil {
			return nil, err
		}
		db.cluster, db.started = c, started
		if started {
			logger.Info("started the private PostgreSQL cluster", "dir", c.DataDir())
		}
		if err := c.EnsureDatabase(ctx, DevDatabase); err != nil {
			db.Close(ctx)
			return nil, err
		}
		db.URL = c.URL(DevDatabase)
	}
	// A job may hold a transaction and River needs connections of its own
	// to fetch and complete jobs, so the pool is sized from the worker
	// count: two connections a worker, and room for HTTP requests.
	workers := 0
	for _, n := range cfg.Workers {
		workers += n
	}
	pool, err := Open(ctx, db.URL, 2*workers+10, TimeoutsOf(cfg))
	if err != nil {
		db.Close(ctx)
		return nil, err
	}
	db.Pool = pool
	if db.JobsPool, err = OpenJobs(ctx, pool); err != nil {
		db.Close(ctx)
		return nil, err
	}
	return db, nil
}

// Close closes the pool and stops the private cluster if Connect started
// it; a cluster another process started is left running for that process.
func (db *DB) Close(ctx context.Context) error {
	if db.JobsPool != nil {
		db.JobsPool.Close()
	}
	if db.Pool != nil {
		db.Pool.Close()
	}
	if db.cluster != nil && db.started {
		return db.cluster.Stop(ctx)
	}
	return nil
}
