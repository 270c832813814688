package review

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// registryTTL is how long the elections and parties read for the engine's
// Context are reused. A new election or party alias is picked up within it.
const registryTTL = 30 * time.Second

// Pipeline triages stored complaints and keeps the results.
//
// # Why triage runs in batches
//
// Intake queues one triage job per complaint. Triaging one complaint per
// transaction cost about twelve round trips (lock and load, the existing
// result, sender and text clustering with their advisory locks, the
// same-sender count, the result, the current flag, the complaint, the
// audit entry, commit), so under a saturating intake (about 1,000
// complaints/s on two cores) triage managed about 220/s and the delay grew
// for as long as the load lasted. The work per complaint in Go is
// microseconds; the cost was the round trips.
//
// So a job (TriageBatch) claims its own complaint and up to BatchSize-1
// other complaints still new, in one statement with FOR NO KEY UPDATE
// SKIP LOCKED: concurrent jobs claim disjoint sets and never queue behind
// one another. The set is then read, clustered and written with
// set-based statements, pipelined (triageTx): about seven round trips for
// the whole batch. The jobs of complaints an earlier batch has triaged
// settle in one read (the query TriagedAlready), and while few batches
// are under way they claim whatever arrived since, so new complaints are
// triaged within a batch's time of arriving even when the River queue
// lags behind the intake.
//
// # Why it is still idempotent
//
// A claimed complaint is row-locked until its batch commits, and its
// result from this rulebook is looked for after the lock is held, with a
// fresh snapshot: a complaint that has one is only made current again and
// reconciled with its complaint row, never given a second (the unique key
// on complaint, rulebook version and hash backs this). Claims skip
// complaints other batches hold, and a job whose own complaint is held
// waits for it after its own batch, then finds that batch's result. A
// complaint left behind by the claims (its intake not yet committed when
// they passed it, or its batch rolled back) is taken by a later sweep
// claim or, at the latest, by its own job. Results, the complaint's status
// and priority (an officer's override still wins), parties the engine
// recognised and one audit entry per new result are written in the
// claiming transaction.
//
// # Clusters in a batch
//
// A batch's texts are clustered set-based: one candidate read for the
// whole batch (at most candidatesPerBand complaints per text band, the
// earliest, so its cost does not grow with a surge of one text), made
// before any advisory lock is taken. Then every lock the batch's
// clustering needs (its senders and text bands) is taken in one
// statement, in ascending order, so batches sharing a sender or a band
// serialise without deadlocking, and only what committed under the same
// bands since the read is read again. Texts are compared in memory, in id
// order, so each sees the ones before it; the new clusters, members and
// sizes are written in one round trip. Sender clusters are formed
// set-based too, and a complaint re-run under a changed sender leaves its
// old sender cluster. Same-sender and in-cluster counts are taken once
// the whole batch is indexed, so a complaint counts every other complaint
// received in the week before it, whatever order they were triaged in.
type Pipeline struct {
	pool   *pgxpool.Pool
	engine *triage.Engine

	mu        sync.Mutex
	loadedAt  time.Time
	elections []triage.Election
	parties   []triage.Party
	partyIDs  map[string]int64 // party name → id

	// claimedUpTo is the highest complaint id a batch has claimed in this
	// process: where the next claim starts looking for new complaints.
	// Only a hint for the index scan; every complaint has its own job.
	claimedUpTo int64
	// sweepFrom is claimedUpTo as it stood one to two sweepBack ago (mark
	// as it stood at markAt); sweptAt is when a claim last started there.
	sweepFrom, mark int64
	markAt, sweptAt time.Time
	// claiming counts the batches under way (TriageBatch).
	claiming int
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

// Work triages the job's complaint together with a batch of other
// complaints still awaiting triage (see TriageBatch). Running it again for
// the same complaint and rulebook stores nothing new.
//
// A lock wait that outlasts lock_timeout (another batch holding the job's
// complaint for long on a surge) is no failure: the job snoozes briefly and
// tries again, rather than backing off for ever longer as errors do.
func (w *TriageWorker) Work(ctx context.Context, job *river.Job[complaints.TriageArgs]) error {
	_, err := w.Pipeline.TriageBatch(ctx, job.Args.ComplaintID)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == lockNotAvailable {
		return river.JobSnooze(lockRetryAfter)
	}
	return err
}

// lockNotAvailable is the SQLSTATE of a wait past lock_timeout, and
// lockRetryAfter how soon a triage job that hit it runs again.
const (
	lockNotAvailable = "55P03"
	lockRetryAfter   = time.Second
)

// Register adds the triage worker to reg, in place of any other worker for
// complaints.TriageArgs: add it instead of complaints.Register's
// placeholder (River allows one worker per kind).
func Register(reg *jobs.Registry, p *Pipeline) {
	river.AddWorker(reg.Workers(), &TriageWorker{Pipeline: p})
}

// context builds the engine's Context: the registered elections and
// parties (cached for registryTTL) and the recent count for this sender.
// A refresh reads through the caller's transaction: taking a second pool
// connection while the transaction holds one (and a row lock) could
// exhaust the pool with every worker waiting on the others.
func (p *Pipeline) context(ctx context.Context, q dbsqlc.DBTX, senderKey string, recent int) (*triage.Context, error) {
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

func (p *Pipeline) loadRegistry(ctx context.Context, db dbsqlc.DBTX) error {
	q := dbsqlc.New(db)
	erows, err := q.Elections(ctx)
	if err != nil {
		return err
	}
	els := make([]triage.Election, len(erows))
	for i, r := range erows {
		els[i] = triage.Election{Name: r.Name, AnnouncedOn: r.AnnouncedOn, PollingDay: r.PollingDay, Nations: r.Nations}
	}
	prows, err := q.ActiveParties(ctx)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	parties := make([]triage.Party, len(prows))
	for i, r := range prows {
		parties[i] = triage.Party{Name: r.Name, ShortName: r.ShortName, Aliases: r.Aliases, Nations: r.Nations}
		ids[r.Name] = r.ID
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
		ids, err := dbsqlc.New(p.pool).RerunPage(ctx, dbsqlc.RerunPageParams{After: last, Since: nullTime(since)})
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
