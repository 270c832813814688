package review

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// BatchSize is the most complaints one triage job claims and triages in
// one transaction: large enough that a burst is cleared in a few
// transactions, small enough that one stays short (tens of milliseconds)
// and holds few locks.
const BatchSize = 100

// storedComplaint is one claimed (row-locked) complaint and what the
// batch learns about it.
type storedComplaint struct {
	id       int64
	ref      string
	partyID  *int64
	status   string
	priority *string
	message  string
	in       triage.Complaint
	received time.Time
	hasTime  bool

	senderKey string // normalised; "" when none
	clusters  bool   // sender key eligible for a sender cluster

	// From the state read after the lock.
	existing        int64 // this rulebook's result, 0 when none
	existingCurrent bool
	existingPrio    string
	overridden      bool // the latest officer decision is an override

	cl       clusterOutcome
	recent   int // other members of its clusters in the week before
	res      triage.Result
	outcome  Outcome
	newParty *int64
}

func optBool(b *bool) triage.OptBool {
	if b == nil {
		return triage.OptBool{}
	}
	return triage.OptBool{Set: true, Value: *b}
}

func optInt(n *int32) triage.OptInt {
	if n == nil {
		return triage.OptInt{}
	}
	return triage.Int(int(*n))
}

// complaintRow is a complaint as the lock and the claim read it
// (dbsqlc.LockComplaintsRow and dbsqlc.ClaimComplaintsRow are the same
// columns).
type complaintRow = dbsqlc.LockComplaintsRow

func storedComplaints(rows []complaintRow) []*storedComplaint {
	out := make([]*storedComplaint, len(rows))
	for i, r := range rows {
		s := &storedComplaint{id: r.ID, ref: r.Reference, partyID: r.PartyID, received: r.ReceivedAt, hasTime: r.ReceivedAtHasTime,
			status: r.Status, priority: r.Priority}
		c := &s.in
		c.Channel, c.Party, c.Sender, c.Message, c.Description, c.Consent = r.Channel, r.Party, r.Sender, r.Message, r.Description, r.Consent
		c.ReceivedAt = triage.Date{Time: s.received, DayOnly: !s.hasTime}
		c.OptedOut, c.TPSRegistered, c.SenderIdentified = optBool(r.OptedOut), optBool(r.TpsRegistered), optBool(r.SenderIdentified)
		c.OptOutOffered, c.SpecialCategory, c.RecipientsVisible = optBool(r.OptOutOffered), optBool(r.SpecialCategory), optInt(r.RecipientsVisible)
		// The structured facts of Policy 2. The number or address the
		// sender contacted (complainants.contacted) is not read: the
		// engine does not use it, and personal data must never reach a
		// result or its rationale.
		c.Member, c.WorkAddress = optBool(r.Member), optBool(r.WorkAddress)
		if r.AskedToStopOn != nil {
			c.AskedToStopOn = complaints.TriageDay(*r.AskedToStopOn) // as intake's referral reads it
		}
		c.BreachWhere = r.BreachWhere
		if len(r.BreachExposed) > 0 {
			c.BreachExposed = r.BreachExposed // nil when none, as intake has it
		}
		s.message = c.Message
		_, s.senderKey = triage.NormaliseSender(c.Sender)
		s.clusters = s.senderKey != "" && !placeholderSenders[s.senderKey]
		out[i] = s
	}
	return out
}

// Triage runs the engine over one stored complaint and stores the result,
// in one transaction, waiting if another triage holds the complaint. It is
// safe to call any number of times.
func (p *Pipeline) Triage(ctx context.Context, complaintID int64) (Outcome, error) {
	return p.withComplaint(ctx, complaintID, func(tx pgx.Tx, scs []*storedComplaint) error {
		if len(scs) == 0 {
			return nil // erased since it was queued
		}
		return p.triageTx(ctx, tx, scs)
	})
}

// withComplaint locks one complaint in a transaction of the system
// actor, runs fn on it (an empty list when it no longer exists), commits
// when fn succeeds and returns the complaint's outcome.
func (p *Pipeline) withComplaint(ctx context.Context, complaintID int64, fn func(pgx.Tx, []*storedComplaint) error) (Outcome, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Label: "system"})
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return Outcome{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	rows, err := dbsqlc.New(tx).LockComplaints(ctx, []int64{complaintID})
	if err != nil {
		return Outcome{}, fmt.Errorf("load complaint %d: %w", complaintID, err)
	}
	scs := storedComplaints(rows)
	if err := fn(tx, scs); err != nil {
		return Outcome{}, err
	}
	var out Outcome
	if len(scs) > 0 {
		out = scs[0].outcome
	}
	return out, tx.Commit(ctx)
}

// Record stores res as the current triage result of complaint
// complaintID under this pipeline's rulebook, as if the engine had
// returned it, and moves the complaint on as Triage would. It is for
// results decided outside this engine: test fixtures that need a stored
// result whatever the rulebook of the day would say (several channels, a
// referral). The complaint must not already have a result of this
// rulebook.
func (p *Pipeline) Record(ctx context.Context, complaintID int64, res triage.Result) (Outcome, error) {
	return p.withComplaint(ctx, complaintID, func(tx pgx.Tx, scs []*storedComplaint) error {
		if len(scs) == 0 {
			return fmt.Errorf("record a triage result: there is no complaint %d", complaintID)
		}
		scs[0].res = res
		return p.storeTx(ctx, tx, scs, scs)
	})
}

// Sweep settings: see TriageBatch.
const (
	sweepEvery = 250 * time.Millisecond
	sweepBack  = 5 * time.Second
	// maxClaimers is how many batches of other jobs' complaints one
	// process triages at once (a job always triages its own complaint).
	maxClaimers = 2
	// keepClaiming bounds how long one job goes on claiming batches.
	keepClaiming = time.Second
)

// TriageBatch triages the complaint complaintID and, in the same
// transaction, up to BatchSize-1 other complaints still new that no other
// transaction holds, and returns how many new results it stored.
//
// It first asks, in one read, whether complaintID is already triaged with
// this rulebook (usually by an earlier job's batch) and whether any new
// complaint lies beyond those this process has claimed; with neither, the
// job is done. Otherwise it claims. When another job's batch holds
// complaintID, it triages its own batch first and then waits for
// complaintID as Triage does (usually to find that batch's result).
//
// A claim starts after the highest id this process has claimed, so it
// reads only the front of the queue. A complaint whose intake had not
// committed when the claims passed its id is left behind; so every
// sweepEvery one claim starts instead from where the claims stood a
// sweepBack or more ago. Anything older still has its own job.
func (p *Pipeline) TriageBatch(ctx context.Context, complaintID int64) (int, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Label: "system"})
	rb := p.engine.Rulebook()
	from := p.claimFrom(complaintID, false)

	st, err := dbsqlc.New(p.pool).TriagedAlready(ctx, dbsqlc.TriagedAlreadyParams{
		ID: complaintID, RulebookVersion: rb.Version, RulebookHash: rb.Hash, After: from})
	if err != nil {
		return 0, err
	}
	done, pending := st.Done, st.Pending
	if done && !pending {
		return 0, nil
	}
	own := complaintID
	if done {
		// Claim only the others, and only if few batches are under way:
		// those will take the new complaints, in larger batches than many
		// concurrent claims would split them into, and this job's worker
		// is free for the next job at once.
		p.mu.Lock()
		busy := p.claiming >= maxClaimers
		p.mu.Unlock()
		if busy {
			return 0, nil
		}
		own = 0
	}
	stored, claimed, err := p.claimCounted(ctx, own, from)
	if err != nil || done || claimed {
		return stored, err
	}
	out, err := p.Triage(ctx, complaintID)
	if out.Stored {
		stored++
	}
	return stored, err
}

// claimFrom returns the id after which a claim for complaintID should
// look for new complaints: after the highest claimed so far, or, once
// every sweepEvery, from where the claims stood a sweepBack or more ago.
// A job that will not claim others (claiming is false and enough batches
// are under way) gets math.MaxInt64.
func (p *Pipeline) claimFrom(complaintID int64, claiming bool) int64 {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.markAt.IsZero() {
		// Nothing before the first job's complaint is this process's to
		// sweep: older complaints still new have jobs ahead of this one.
		p.sweepFrom, p.mark, p.markAt = complaintID, complaintID, now
	}
	if now.Sub(p.markAt) >= sweepBack {
		p.sweepFrom, p.mark, p.markAt = p.mark, p.claimedUpTo, now
	}
	from := max(complaintID, p.claimedUpTo)
	switch {
	case !claiming && p.claiming >= maxClaimers:
		// The batches under way will take any new complaints: this job
		// only needs to know about its own.
		return math.MaxInt64
	case now.Sub(p.sweptAt) >= sweepEvery:
		from, p.sweptAt = min(from, p.sweepFrom), now
	}
	return from
}

// claimCounted is claimAndTriage, counted in p.claiming while it runs.
// While its claims keep finding new complaints it claims again at once,
// for up to keepClaiming: under a sustained intake the claiming jobs then
// follow the front of the queue batch after batch, instead of each new
// batch waiting for River to hand a worker its next job.
func (p *Pipeline) claimCounted(ctx context.Context, complaintID, from int64) (int, bool, error) {
	start := time.Now()
	p.mu.Lock()
	p.claiming++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.claiming--
		p.mu.Unlock()
	}()
	stored, own, err := p.claimAndTriage(ctx, complaintID, from)
	for n := stored; err == nil && n > 0 && time.Since(start) < keepClaiming && ctx.Err() == nil; stored += n {
		n, _, err = p.claimAndTriage(ctx, 0, p.claimFrom(0, true))
	}
	return stored, own, err
}

func (p *Pipeline) claimAndTriage(ctx context.Context, complaintID, from int64) (stored int, own bool, err error) {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return 0, false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	rows, err := dbsqlc.New(tx).ClaimComplaints(ctx, dbsqlc.ClaimComplaintsParams{Own: complaintID, After: from, ClaimLimit: BatchSize - 1})
	if err != nil {
		return 0, false, fmt.Errorf("claim complaints: %w", err)
	}
	claimed := make([]complaintRow, len(rows))
	for i, r := range rows {
		claimed[i] = complaintRow(r)
	}
	scs := storedComplaints(claimed)
	if len(scs) == 0 {
		return 0, false, nil
	}
	p.mu.Lock()
	p.claimedUpTo = max(p.claimedUpTo, scs[len(scs)-1].id)
	p.mu.Unlock()
	if err := p.triageTx(ctx, tx, scs); err != nil {
		return 0, false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, false, err
	}
	for _, sc := range scs {
		if sc.outcome.Stored {
			stored++
		}
		own = own || sc.id == complaintID
	}
	return stored, own, nil
}

// triageTx triages the complaints locked in tx, in a handful of
// statements for the whole set, and sets each one's outcome.
func (p *Pipeline) triageTx(ctx context.Context, tx pgx.Tx, scs []*storedComplaint) error {
	rb := p.engine.Rulebook()
	ids := make([]int64, len(scs))
	byID := make(map[int64]*storedComplaint, len(scs))
	for i, sc := range scs {
		ids[i], byID[sc.id] = sc.id, sc
	}
	state, err := dbsqlc.New(tx).ComplaintState(ctx, dbsqlc.ComplaintStateParams{Ids: ids, RulebookVersion: rb.Version, RulebookHash: rb.Hash})
	if err != nil {
		return fmt.Errorf("read triage state: %w", err)
	}
	for _, st := range state {
		sc := byID[st.ID]
		sc.existing, sc.existingCurrent, sc.existingPrio, sc.overridden = st.ResultID, st.IsCurrent, st.Priority, st.Overridden
	}

	var todo []*storedComplaint // complaints without this rulebook's result
	for _, sc := range scs {
		if sc.existing == 0 {
			todo = append(todo, sc)
		}
	}
	if err := clusterBatchTx(ctx, tx, todo); err != nil {
		return err
	}
	if _, err := p.context(ctx, tx, "", 0); err != nil { // refreshes the registry if stale
		return err
	}
	for _, sc := range todo {
		tctx, err := p.context(ctx, tx, sc.senderKey, max(sc.cl.SameSender7d, sc.recent))
		if err != nil {
			return err
		}
		sc.res = p.engine.Triage(&sc.in, tctx)
		if sc.partyID == nil && sc.res.Party != "" {
			if pid, ok := p.partyID(sc.res.Party); ok {
				sc.newParty = &pid
			}
		}
	}
	return p.storeTx(ctx, tx, scs, todo)
}

// resultRow is one new triage_results row, as the JSON the insert reads.
type resultRow struct {
	ComplaintID int64           `json:"complaint_id"`
	Channel     string          `json:"channel"`
	Channels    []string        `json:"channels"`
	Provisions  []string        `json:"provisions"`
	Guidance    []string        `json:"guidance"`
	Score       int             `json:"score"`
	Priority    string          `json:"priority"`
	Actions     []string        `json:"actions"`
	Rationale   json.RawMessage `json:"rationale"`
	Context     json.RawMessage `json:"context"`
	OutOfScope  bool            `json:"out_of_scope"`
	Referral    string          `json:"referral"`
}

// storeTx writes, in one round trip, the new results of todo (the old
// current ones kept as history), makes an existing result of this
// rulebook current again where a re-run found one, records parties the
// engine recognised, moves new complaints to triaged with the result's
// priority unless an officer's override stands, and audits each new
// result.
func (p *Pipeline) storeTx(ctx context.Context, tx pgx.Tx, scs, todo []*storedComplaint) error {
	rb := p.engine.Rulebook()
	b := &pgx.Batch{}

	// An existing result of this rulebook that is no longer current (a
	// re-run back to an earlier rulebook) becomes current again; the
	// unique index on the current result is checked row by row, so the
	// old flag is cleared first.
	var staleIDs, staleResults []int64
	for _, sc := range scs {
		if sc.existing != 0 {
			sc.outcome = Outcome{Priority: sc.existingPrio, ResultID: sc.existing}
			if !sc.existingCurrent {
				staleIDs, staleResults = append(staleIDs, sc.id), append(staleResults, sc.existing)
			}
		}
	}
	var newIDs []int64
	rows := make([]resultRow, 0, len(todo))
	items := make([]audit.Item, 0, len(todo))
	var partyIDs, parties []int64
	for _, sc := range todo {
		res := sc.res
		// One result the database would refuse must not fail the batch.
		res.OutOfScope = false
		if outOfScope, referral := storedScope(sc.id, &sc.res); outOfScope {
			res.OutOfScope, res.Referral = true, *referral
		} else {
			res.Referral = ""
		}
		ctxJSON, _ := json.Marshal(map[string]any{
			"sender_key": sc.senderKey, "same_sender_7d": sc.cl.SameSender7d, "cluster_7d": sc.recent, "cluster_size": sc.cl.Size,
			"sender_cluster_id": sc.cl.SenderClusterID, "text_cluster_id": sc.cl.TextClusterID, "party_matched": res.Party,
		})
		rationale, _ := json.Marshal(res.Rationale)
		if res.Rationale == nil {
			rationale = []byte("[]")
		}
		rows = append(rows, resultRow{ComplaintID: sc.id, Channel: res.Channel, Channels: nonNil(res.Channels),
			Provisions: nonNil(res.Provisions), Guidance: nonNil(res.Guidance), Score: res.Score, Priority: res.Priority,
			Actions: nonNil(res.Actions), Rationale: rationale, Context: ctxJSON, OutOfScope: res.OutOfScope, Referral: res.Referral})
		newIDs = append(newIDs, sc.id)
		sc.outcome = Outcome{Stored: true, Priority: res.Priority}
		items = append(items, audit.Item{ObjectID: sc.ref, Change: audit.Change{After: map[string]any{
			"rulebook_version": rb.Version, "rulebook_hash": rb.Hash, "priority": res.Priority, "score": res.Score,
			"provisions": res.Provisions, "channels": res.Channels, "referral": res.Referral,
		}}})
		if sc.newParty != nil {
			partyIDs, parties = append(partyIDs, sc.id), append(parties, *sc.newParty)
		}
	}
	q := queued(b)
	if len(staleIDs) > 0 || len(newIDs) > 0 {
		if err := q.ClearCurrent(ctx, append(slices.Clone(staleIDs), newIDs...)); err != nil {
			return err
		}
	}
	if len(staleResults) > 0 {
		if err := q.MakeCurrent(ctx, staleResults); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		payload, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		byID := map[int64]*storedComplaint{}
		for _, sc := range todo {
			byID[sc.id] = sc
		}
		database.QueueRows(b, newQueries, func(q *dbsqlc.Queries) ([]dbsqlc.InsertResultsRow, error) {
			return q.InsertResults(ctx, dbsqlc.InsertResultsParams{Results: payload, RulebookVersion: rb.Version, RulebookHash: rb.Hash})
		}, func(stored []dbsqlc.InsertResultsRow) error {
			for _, r := range stored {
				byID[r.ComplaintID].outcome.ResultID = r.ID
			}
			return nil
		})
	}
	// The engine may recognise a party the intake's exact match missed
	// ("the Tories"); record it so the complaint counts against the party.
	if len(partyIDs) > 0 {
		if err := q.SetRecognisedParties(ctx, dbsqlc.SetRecognisedPartiesParams{Ids: partyIDs, PartyIds: parties}); err != nil {
			return err
		}
	}
	// A new complaint moves to triaged and takes the result's priority,
	// unless an officer has overridden the priority: an officer's
	// judgement outlasts a re-triage (the new result is still shown).
	var upIDs []int64
	var upStatus, upPrio []string
	for _, sc := range scs {
		priority := sc.outcome.Priority
		if sc.overridden {
			priority = ""
			if sc.priority != nil {
				priority = *sc.priority
			}
		}
		status := sc.status
		if status == vocab.StatusNew {
			status = vocab.StatusTriaged
		}
		if status == sc.status && sc.priority != nil && *sc.priority == priority {
			continue
		}
		upIDs, upStatus, upPrio = append(upIDs, sc.id), append(upStatus, status), append(upPrio, priority)
	}
	if len(upIDs) > 0 {
		if err := q.SetTriaged(ctx, dbsqlc.SetTriagedParams{Ids: upIDs, Statuses: upStatus, Priorities: upPrio}); err != nil {
			return err
		}
	}
	if err := audit.QueueMany(ctx, b, "complaint.triage", "complaint", items); err != nil {
		return err
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("store triage results: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
