package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// registryTTL is how long the elections and parties read for the engine's
// Context are reused. A new election or party alias is picked up within it.
const registryTTL = 30 * time.Second

// Pipeline triages stored complaints and keeps the results.
type Pipeline struct {
	pool   *pgxpool.Pool
	engine *triage.Engine

	mu        sync.Mutex
	loadedAt  time.Time
	elections []triage.Election
	parties   []triage.Party
	partyIDs  map[string]int64 // party name → id
}

// NewPipeline returns a pipeline that triages with engine.
func NewPipeline(pool *pgxpool.Pool, engine *triage.Engine) *Pipeline {
	return &Pipeline{pool: pool, engine: engine}
}

// Engine is the engine the pipeline runs.
func (p *Pipeline) Engine() *triage.Engine { return p.engine }

// Outcome says what one run did.
type Outcome struct {
	// Stored is true when a new result row was written; false when the
	// complaint already had a result from this rulebook (or is gone).
	Stored   bool
	Priority string
	ResultID int64
}

// TriageWorker is the River worker for complaints.TriageArgs.
type TriageWorker struct {
	river.WorkerDefaults[complaints.TriageArgs]
	Pipeline *Pipeline
}

// Work triages the complaint. Running it again for the same complaint and
// rulebook stores nothing new.
func (w *TriageWorker) Work(ctx context.Context, job *river.Job[complaints.TriageArgs]) error {
	_, err := w.Pipeline.Triage(ctx, job.Args.ComplaintID)
	return err
}

// Register adds the triage worker to reg, in place of any other worker for
// complaints.TriageArgs: add it instead of complaints.Register's
// placeholder (River allows one worker per kind).
func Register(reg *jobs.Registry, p *Pipeline) {
	river.AddWorker(reg.Workers(), &TriageWorker{Pipeline: p})
}

type storedComplaint struct {
	id        int64
	ref       string
	partyID   *int64
	status    string
	priority  *string
	message   string
	in        triage.Complaint
	received  time.Time
	hasTime   bool
	partyName string
}

const loadComplaint = `
SELECT c.id, c.reference, c.channel, c.party_id, coalesce(p.name, c.party_text), c.received_at, c.received_at_has_time,
    c.sender, c.message, c.description, c.consent, c.opted_out, c.tps_registered, c.sender_identified,
    c.opt_out_offered, c.recipients_visible, c.special_category, c.status, c.priority
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
WHERE c.id = $1
FOR UPDATE OF c`

func optBool(b *bool) triage.OptBool {
	if b == nil {
		return triage.OptBool{}
	}
	return triage.OptBool{Set: true, Value: *b}
}

func optInt(n *int) triage.OptInt {
	if n == nil {
		return triage.OptInt{}
	}
	return triage.Int(*n)
}

func loadTx(ctx context.Context, tx pgx.Tx, id int64) (*storedComplaint, error) {
	s := &storedComplaint{}
	var optedOut, tps, ident, optOut, special *bool
	var visible *int
	c := &s.in
	err := tx.QueryRow(ctx, loadComplaint, id).Scan(&s.id, &s.ref, &c.Channel, &s.partyID, &c.Party, &s.received, &s.hasTime,
		&c.Sender, &c.Message, &c.Description, &c.Consent, &optedOut, &tps, &ident, &optOut, &visible, &special,
		&s.status, &s.priority)
	if err != nil {
		return nil, err
	}
	c.ReceivedAt = triage.Date{Time: s.received, DayOnly: !s.hasTime}
	c.OptedOut, c.TPSRegistered, c.SenderIdentified = optBool(optedOut), optBool(tps), optBool(ident)
	c.OptOutOffered, c.SpecialCategory, c.RecipientsVisible = optBool(optOut), optBool(special), optInt(visible)
	s.message = c.Message
	return s, nil
}

// Triage runs the engine over one stored complaint and stores the result,
// in one transaction. It is safe to call any number of times.
func (p *Pipeline) Triage(ctx context.Context, complaintID int64) (Outcome, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Label: "system"})
	rb := p.engine.Rulebook()
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return Outcome{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))

	sc, err := loadTx(ctx, tx, complaintID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Outcome{}, nil // erased since it was queued
	}
	if err != nil {
		return Outcome{}, fmt.Errorf("load complaint %d: %w", complaintID, err)
	}

	// Already triaged with this rulebook: make sure that result is the
	// current one and the complaint reflects it, and store nothing new.
	var existing int64
	var current bool
	var prio string
	err = tx.QueryRow(ctx, `
SELECT id, is_current, priority FROM triage_results
WHERE complaint_id = $1 AND rulebook_version = $2 AND rulebook_hash = $3`, sc.id, rb.Version, rb.Hash).Scan(&existing, &current, &prio)
	switch {
	case err == nil:
		if !current {
			if err := makeCurrentTx(ctx, tx, sc.id, existing); err != nil {
				return Outcome{}, err
			}
		}
		if err := p.applyTx(ctx, tx, sc, prio); err != nil {
			return Outcome{}, err
		}
		return Outcome{Priority: prio, ResultID: existing}, tx.Commit(ctx)
	case !errors.Is(err, pgx.ErrNoRows):
		return Outcome{}, err
	}

	_, key := triage.NormaliseSender(sc.in.Sender)
	cl, err := clusterTx(ctx, tx, clusterInput{ID: sc.id, SenderKey: key, ReceivedAt: sc.received, Message: sc.message})
	if err != nil {
		return Outcome{}, err
	}
	inCluster, err := clusterRecentTx(ctx, tx, sc.id, sc.received)
	if err != nil {
		return Outcome{}, err
	}
	tctx, err := p.context(ctx, tx, key, max(cl.SameSender7d, inCluster))
	if err != nil {
		return Outcome{}, err
	}
	res := p.engine.Triage(&sc.in, tctx)

	ctxJSON, _ := json.Marshal(map[string]any{
		"sender_key": key, "same_sender_7d": cl.SameSender7d, "cluster_7d": inCluster, "cluster_size": cl.Size,
		"sender_cluster_id": cl.SenderClusterID, "text_cluster_id": cl.TextClusterID, "party_matched": res.Party,
	})
	rationale, _ := json.Marshal(res.Rationale)
	if _, err := tx.Exec(ctx, `UPDATE triage_results SET is_current = false WHERE complaint_id = $1 AND is_current`, sc.id); err != nil {
		return Outcome{}, err
	}
	var id int64
	if err := tx.QueryRow(ctx, `
INSERT INTO triage_results (complaint_id, rulebook_version, rulebook_hash, channel, channels, provisions, guidance,
    score, priority, actions, rationale, context)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id`, sc.id, rb.Version, rb.Hash, res.Channel, nonNil(res.Channels), nonNil(res.Provisions), nonNil(res.Guidance),
		res.Score, res.Priority, nonNil(res.Actions), rationale, ctxJSON).Scan(&id); err != nil {
		return Outcome{}, fmt.Errorf("store triage result: %w", err)
	}
	// The engine may recognise a party the intake's exact match missed
	// ("the Tories"); record it so the complaint counts against the party.
	if sc.partyID == nil && res.Party != "" {
		if pid, ok := p.partyID(res.Party); ok {
			if _, err := tx.Exec(ctx, `UPDATE complaints SET party_id = $2 WHERE id = $1 AND party_id IS NULL`, sc.id, pid); err != nil {
				return Outcome{}, err
			}
		}
	}
	if err := p.applyTx(ctx, tx, sc, res.Priority); err != nil {
		return Outcome{}, err
	}
	if err := audit.Record(ctx, tx, "complaint.triage", "complaint", sc.ref, audit.Change{After: map[string]any{
		"rulebook_version": rb.Version, "rulebook_hash": rb.Hash, "priority": res.Priority, "score": res.Score,
		"provisions": res.Provisions,
	}}); err != nil {
		return Outcome{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Outcome{}, err
	}
	return Outcome{Stored: true, Priority: res.Priority, ResultID: id}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func makeCurrentTx(ctx context.Context, tx pgx.Tx, complaintID, resultID int64) error {
	if _, err := tx.Exec(ctx, `UPDATE triage_results SET is_current = false WHERE complaint_id = $1 AND is_current`, complaintID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE triage_results SET is_current = true WHERE id = $1`, resultID)
	return err
}

// applyTx moves a new complaint to triaged and gives it the result's
// priority, unless an officer has overridden the priority: an officer's
// judgement outlasts a re-triage (the new result is still shown).
func (p *Pipeline) applyTx(ctx context.Context, tx pgx.Tx, sc *storedComplaint, priority string) error {
	var overridden bool
	if err := tx.QueryRow(ctx, `
SELECT coalesce((SELECT kind = 'override' FROM triage_decisions WHERE complaint_id = $1 ORDER BY id DESC LIMIT 1), false)`,
		sc.id).Scan(&overridden); err != nil {
		return err
	}
	if overridden {
		priority = ""
		if sc.priority != nil {
			priority = *sc.priority
		}
	}
	status := sc.status
	if status == StatusNew {
		status = StatusTriaged
	}
	if status == sc.status && sc.priority != nil && *sc.priority == priority {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE complaints SET status = $2, priority = NULLIF($3, ''), updated_at = now() WHERE id = $1`,
		sc.id, status, priority)
	return err
}

// clusterRecentTx counts the other members of the complaint's clusters
// received in the seven days before it: a campaign sending one text from
// many numbers is as much "the same sender" as one number sending many.
func clusterRecentTx(ctx context.Context, tx pgx.Tx, complaintID int64, received time.Time) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `
SELECT coalesce(max(cnt), 0) FROM (
    SELECT count(c.id) AS cnt
    FROM complaint_cluster_members mine
    JOIN complaint_cluster_members o ON o.cluster_id = mine.cluster_id AND o.complaint_id <> mine.complaint_id
    JOIN complaints c ON c.id = o.complaint_id
    WHERE mine.complaint_id = $1
      AND c.received_at >= $2::timestamptz - interval '7 days' AND c.received_at < $2
    GROUP BY mine.cluster_id) s`, complaintID, received).Scan(&n)
	return n, err
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// context builds the engine's Context: the registered elections and
// parties (cached for registryTTL) and the recent count for this sender.
// A refresh reads through the caller's transaction: taking a second pool
// connection while the transaction holds one (and a row lock) could
// exhaust the pool with every worker waiting on the others.
func (p *Pipeline) context(ctx context.Context, q querier, senderKey string, recent int) (*triage.Context, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.loadedAt) > registryTTL {
		if err := p.loadRegistry(ctx, q); err != nil {
			return nil, err
		}
	}
	counts := triage.SenderCounts{}
	if senderKey != "" {
		counts[senderKey] = recent
	}
	return triage.NewContext(p.elections, p.parties, counts), nil
}

func (p *Pipeline) partyID(name string) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.partyIDs[name]
	return id, ok
}

func (p *Pipeline) loadRegistry(ctx context.Context, q querier) error {
	rows, err := q.Query(ctx, `SELECT name, announced_on, polling_day, nations FROM elections ORDER BY announced_on`)
	if err != nil {
		return err
	}
	els, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (triage.Election, error) {
		var e triage.Election
		err := r.Scan(&e.Name, &e.AnnouncedOn, &e.PollingDay, &e.Nations)
		return e, err
	})
	if err != nil {
		return err
	}
	rows, err = q.Query(ctx, `SELECT id, name, short_name, aliases, nations FROM parties WHERE active ORDER BY id`)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	parties, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (triage.Party, error) {
		var pt triage.Party
		var id int64
		err := r.Scan(&id, &pt.Name, &pt.ShortName, &pt.Aliases, &pt.Nations)
		ids[pt.Name] = id
		return pt, err
	})
	if err != nil {
		return err
	}
	p.elections, p.parties, p.partyIDs, p.loadedAt = els, parties, ids, time.Now()
	return nil
}

// RerunSummary counts what a re-run did.
type RerunSummary struct {
	Checked int // complaints looked at
	Stored  int // new results stored (the rest already had this rulebook's)
}

// Rerun triages again every stored complaint received on or after since
// (all of them when since is zero) with the pipeline's rulebook, keeping
// earlier results as history. Complaints already triaged with this
// rulebook are left as they are, so an interrupted re-run can simply be
// started again.
func (p *Pipeline) Rerun(ctx context.Context, since time.Time) (RerunSummary, error) {
	var sum RerunSummary
	last := int64(0)
	for {
		rows, err := p.pool.Query(ctx, `
SELECT id FROM complaints WHERE id > $1 AND ($2::timestamptz IS NULL OR received_at >= $2)
ORDER BY id LIMIT 500`, last, nullTime(since))
		if err != nil {
			return sum, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return sum, err
		}
		if len(ids) == 0 {
			return sum, nil
		}
		for _, id := range ids {
			out, err := p.Triage(ctx, id)
			if err != nil {
				return sum, fmt.Errorf("complaint %d: %w", id, err)
			}
			sum.Checked++
			if out.Stored {
				sum.Stored++
			}
			last = id
		}
	}
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
