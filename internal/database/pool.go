package database

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open connects a pool to url and checks the server answers, so a wrong
// DATABASE_URL fails at start-up rather than on the first request. The pool
// holds at least minConns connections (and never fewer than 20); a
// pool_max_conns in the URL may raise it further. Every connection starts
// with the server-side timeouts t.
func Open(ctx context.Context, url string, minConns int, t Timeouts) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL: %w", err)
	}
	if cfg.MaxConns < int32(max(minConns, 20)) {
		cfg.MaxConns = int32(max(minConns, 20))
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.ConnConfig.RuntimeParams["application_name"] = "campaignwatch"
	t.apply(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach the database: %w", err)
	}
	return pool, nil
}

// JobsPoolConns is the size of River's own pool (OpenJobs): its notification
// listener holds one connection, each queue's producer fetches on one, and
// the completer and the leader's maintenance services (cleaner, rescuer,
// reindexer, elector) need a handful more. Workers do their jobs' own work
// on the service's pool.
const JobsPoolConns = 10

// OpenJobs opens River's own pool beside pool: the same server and
// connection settings, JobsPoolConns connections, and no statement or lock
// timeout. River's maintenance is long by nature and bounded by River's own
// deadlines: the nightly REINDEX INDEX CONCURRENTLY of its job indexes,
// cancelled by the pool's 10s statement timeout, would leave an invalid
// _ccnew index behind and River would skip that index for good. The
// idle-in-transaction timeout is kept, so a stuck River transaction still
// ends. Jobs inserted inside a caller's transaction (InsertTx) still use
// that transaction, on the caller's pool.
func OpenJobs(ctx context.Context, pool *pgxpool.Pool) (*pgxpool.Pool, error) {
	cfg := withoutTimeouts(pool.Config())
	cfg.MaxConns = JobsPoolConns
	cfg.MinConns = 0
	cfg.ConnConfig.RuntimeParams["application_name"] = "campaignwatch-river"
	jp, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open the job queue's pool: %w", err)
	}
	return jp, nil
}
