package database

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/database/internal/dbsqlc"
)

// Timeouts are the server-side limits every pooled connection starts with,
// so a statement stuck behind a lock or on a hung server ends with an error
// the caller can turn into "try again" rather than holding a request, a
// connection and its locks for as long as a client waits. Zero leaves
// PostgreSQL's own setting (no limit).
type Timeouts struct {
	Statement time.Duration // statement_timeout
	Lock      time.Duration // lock_timeout
	IdleInTx  time.Duration // idle_in_transaction_session_timeout
}

// TimeoutsOf returns the timeouts cfg sets: DB_STATEMENT_TIMEOUT,
// DB_LOCK_TIMEOUT and DB_IDLE_IN_TX_TIMEOUT.
func TimeoutsOf(cfg *config.Config) Timeouts {
	return Timeouts{Statement: cfg.DBStatementTimeout, Lock: cfg.DBLockTimeout, IdleInTx: cfg.DBIdleInTxTimeout}
}

// DefaultTimeouts returns the timeouts production runs with when no
// DB_*_TIMEOUT variable is set, read from the configuration's own defaults
// so tests and benchmarks measure with exactly what production enforces.
func DefaultTimeouts() Timeouts {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		// The defaults are constants of config.Load; an empty environment
		// failing to load is a programming error.
		panic(fmt.Sprintf("default configuration: %v", err))
	}
	return TimeoutsOf(cfg)
}

// apply sets the timeouts as startup parameters of every connection of
// cfg: no extra round trip, and RESET returns to them.
func (t Timeouts) apply(cfg *pgxpool.Config) {
	for name, d := range map[string]time.Duration{
		"statement_timeout":                   t.Statement,
		"lock_timeout":                        t.Lock,
		"idle_in_transaction_session_timeout": t.IdleInTx,
	} {
		if d > 0 {
			cfg.ConnConfig.RuntimeParams[name] = strconv.FormatInt(d.Milliseconds(), 10)
		}
	}
}

// withoutTimeouts returns a copy of cfg whose connections have no statement
// or lock timeout, for work that is long by nature and bounded by its own
// context instead (migrations).
func withoutTimeouts(cfg *pgxpool.Config) *pgxpool.Config {
	c := cfg.Copy()
	c.ConnConfig.RuntimeParams["statement_timeout"] = "0"
	c.ConnConfig.RuntimeParams["lock_timeout"] = "0"
	return c
}

// LongWork exempts the rest of tx from the pool's statement timeout, as
// exports and other jobs that read a whole election must be. A deadline on
// ctx becomes the transaction's statement timeout instead, so the work
// stays bounded by a job's time limit, which the server then enforces too.
func LongWork(ctx context.Context, tx pgx.Tx) error {
	limit := "0"
	if dl, ok := ctx.Deadline(); ok {
		limit = strconv.FormatInt(max(time.Until(dl).Milliseconds(), 1), 10)
	}
	if err := dbsqlc.New(tx).SetStatementTimeout(ctx, limit); err != nil {
		return fmt.Errorf("lift the statement timeout: %w", err)
	}
	return nil
}

// Unavailable reports whether err means the database cannot do the work
// now rather than that the work is wrong: the connection failed or timed
// out, a statement ran past statement_timeout or waited past lock_timeout,
// the server is shutting down, short of resources (disk full, too many
// connections) or read-only. Such errors become 503 "try again", never 500.
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "55P03", // lock_not_available: lock_timeout
			pe.Code == "25006": // read_only_sql_transaction
			return true
		}
		// Class 08 is connection trouble, 53 insufficient resources (disk
		// full, out of memory, too many connections), 57 operator
		// intervention (statement timeout, shutdown, terminated backend).
		switch pe.Code[:2] {
		case "08", "53", "57":
			return true
		}
		return false
	}
	var ae interface{ SafeToRetry() bool }
	return errors.As(err, &ae) && ae.SafeToRetry()
}
