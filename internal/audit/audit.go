// Package audit writes and reads the append-only audit log.
//
// Every staff action that changes data calls Record inside the transaction
// that makes the change, so the change and its audit entry commit together
// or not at all. Summaries name what changed (ids, states, roles, counts),
// never a complainant's personal data: the audit log is kept longer than
// complaints are, and must not become a second copy of them.
package audit

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/audit/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
)

// Actor is who performed an action: a signed-in staff user, or a named
// system actor such as "cli" or "system" for jobs.
type Actor struct {
	UserID    *int64
	Label     string
	RequestID string
}

type actorKey struct{}

// WithActor returns a context that carries the actor for Record.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, or the "system" actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Label: "system"}
}

// Change is the before/after summary of an action. Either side may be nil.
type Change struct {
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

// Record appends an entry in tx for the actor carried by ctx.
func Record(ctx context.Context, tx pgx.Tx, action, objectType, objectID string, change Change) error {
	a := ActorFrom(ctx)
	summary, err := json.Marshal(change)
	if err != nil {
		return fmt.Errorf("audit summary: %w", err)
	}
	if err := dbsqlc.New(tx).InsertEntry(ctx, entryParams(a, action, objectType, objectID, summary)); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// Entry is one row of the audit log.
type Entry struct {
	ID         int64
	At         time.Time
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	Summary    json.RawMessage
	RequestID  string
}

// Filter narrows List. Zero fields match everything.
type Filter struct {
	Actor      string
	Action     string // prefix match, so "user." lists every user action
	ObjectType string
	ObjectID   string
	From, To   time.Time
	BeforeID   int64 // keyset pagination: entries older than this id
	Limit      int
}

// Querier is satisfied by *pgxpool.Pool, *pgx.Conn and pgx.Tx.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

//go:embed list.sql
var listSQL string

// listQueries is the audit log viewer's query and its conditions.
var listQueries = sqlfilter.MustParse("list.sql", listSQL)

// List returns entries matching f, newest first.
func List(ctx context.Context, q Querier, f Filter) ([]Entry, error) {
	b := listQueries.Builder("list")
	if f.Actor != "" {
		b.Where("actor", "actor", f.Actor)
	}
	if f.Action != "" {
		b.Where("action_prefix", "action", f.Action)
	}
	if f.ObjectType != "" {
		b.Where("object_type", "object_type", f.ObjectType)
	}
	if f.ObjectID != "" {
		b.Where("object_id", "object_id", f.ObjectID)
	}
	if !f.From.IsZero() {
		b.Where("from", "from", f.From)
	}
	if !f.To.IsZero() {
		b.Where("to", "to", f.To)
	}
	if f.BeforeID > 0 {
		b.Where("before_id", "before_id", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	sql, args := b.Bind("limit", f.Limit).Build()
	rows, err := q.Query(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Entry, error) {
		var e Entry
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Summary, &e.RequestID)
		return e, err
	})
}

// Item is one object's entry for QueueMany.
type Item struct {
	ObjectID string
	Change   Change
}

// Queue queues on b the entry Record would write, for the actor carried
// by ctx, so it reaches the server in the same round trip as the change it
// records; the caller sends b in that change's transaction.
func Queue(ctx context.Context, b *pgx.Batch, action, objectType, objectID string, change Change) error {
	a := ActorFrom(ctx)
	summary, err := json.Marshal(change)
	if err != nil {
		return fmt.Errorf("audit summary: %w", err)
	}
	return dbsqlc.New(database.Queue{Batch: b}).InsertEntry(ctx, entryParams(a, action, objectType, objectID, summary))
}

// QueueMany queues on b one statement appending an entry per item (in
// order) for the actor carried by ctx, as Record does for one. The entries
// are written when the caller sends b in the transaction that makes the
// changes, so they commit together; a job that changes many objects at
// once pays one statement for its audit trail, not one round trip each.
func QueueMany(ctx context.Context, b *pgx.Batch, action, objectType string, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	a := ActorFrom(ctx)
	ids := make([]string, len(items))
	summaries := make([][]byte, len(items))
	for i, it := range items {
		s, err := json.Marshal(it.Change)
		if err != nil {
			return fmt.Errorf("audit summary: %w", err)
		}
		ids[i], summaries[i] = it.ObjectID, s
	}
	return dbsqlc.New(database.Queue{Batch: b}).InsertEntries(ctx, dbsqlc.InsertEntriesParams{
		ActorUserID: a.UserID, Actor: a.Label, Action: action, ObjectType: objectType,
		RequestID: a.RequestID, ObjectIds: ids, Summaries: summaries,
	})
}

func entryParams(a Actor, action, objectType, objectID string, summary []byte) dbsqlc.InsertEntryParams {
	return dbsqlc.InsertEntryParams{
		ActorUserID: a.UserID, Actor: a.Label, Action: action, ObjectType: objectType,
		ObjectID: objectID, Summary: summary, RequestID: a.RequestID,
	}
}
