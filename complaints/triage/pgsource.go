package triage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ContextSource builds the Context triage runs with. It is the hook
// between the pure engine and wherever elections, parties and complaint
// counts are kept.
type ContextSource interface {
	Context(ctx context.Context) (*Context, error)
}

// PostgresSource builds a Context from the database: the elections table,
// the active parties of the party registry and, for "other complaints
// about the same sender in the 7 days before", the complaint_senders index
// (the engine's own normalised sender keys) or, on a database that has the
// complaints table but not that index, complaints.sender_normalized.
// Tables that do not exist yet are treated as empty, so the command line
// works on a database at any migration.
type PostgresSource struct {
	Pool *pgxpool.Pool
	// CountTimeout bounds each same-sender count query (default 2s).
	CountTimeout time.Duration
}

const (
	selectElections = `SELECT name, announced_on, polling_day, nations FROM elections ORDER BY announced_on, id`
	selectParties   = `SELECT name, short_name, aliases, nations FROM parties WHERE active ORDER BY id`
	// Counts exclude the moment itself: "the 7 days before".
	countSenderIndex = `SELECT count(*) FROM complaint_senders
		WHERE sender_key = $1 AND received_at >= $2::timestamptz - interval '7 days' AND received_at < $2`
	countComplaints = `SELECT count(*) FROM complaints
		WHERE sender_normalized = $1 AND received_at >= $2::timestamptz - interval '7 days' AND received_at < $2`
)

// Context reads the elections and parties once; counts are queried per
// complaint.
func (s PostgresSource) Context(ctx context.Context) (*Context, error) {
	has := func(table string) (bool, error) {
		var ok bool
		err := s.Pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, "public."+table).Scan(&ok)
		return ok, err
	}
	var elections []Election
	if ok, err := has("elections"); err != nil {
		return nil, fmt.Errorf("triage context: %w", err)
	} else if ok {
		rows, _ := s.Pool.Query(ctx, selectElections)
		elections, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Election, error) {
			var e Election
			err := r.Scan(&e.Name, &e.AnnouncedOn, &e.PollingDay, &e.Nations)
			return e, err
		})
		if err != nil {
			return nil, fmt.Errorf("triage context: elections: %w", err)
		}
	}
	var parties []Party
	if ok, err := has("parties"); err != nil {
		return nil, fmt.Errorf("triage context: %w", err)
	} else if ok {
		rows, _ := s.Pool.Query(ctx, selectParties)
		parties, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Party, error) {
			var p Party
			err := r.Scan(&p.Name, &p.ShortName, &p.Aliases, &p.Nations)
			return p, err
		})
		if err != nil {
			return nil, fmt.Errorf("triage context: parties: %w", err)
		}
	}
	var counter SenderCounter
	for _, src := range []struct{ table, query string }{{"complaint_senders", countSenderIndex}, {"complaints", countComplaints}} {
		ok, err := has(src.table)
		if err != nil {
			return nil, fmt.Errorf("triage context: %w", err)
		}
		if ok {
			counter = &pgCounter{pool: s.Pool, query: src.query, timeout: s.CountTimeout, ctx: ctx}
			break
		}
	}
	return NewContext(elections, parties, counter), nil
}

// pgCounter counts recent complaints per sender with one query each. A
// failed query counts as zero rather than failing the triage: the count
// only adds points.
type pgCounter struct {
	pool    *pgxpool.Pool
	query   string
	timeout time.Duration
	ctx     context.Context
}

func (c *pgCounter) RecentComplaints(key string, before time.Time) int {
	if key == "" {
		return 0
	}
	if before.IsZero() {
		before = time.Now()
	}
	timeout := c.timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(c.ctx, timeout)
	defer cancel()
	var n int
	if err := c.pool.QueryRow(ctx, c.query, key, before).Scan(&n); err != nil {
		return 0
	}
	return n
}
