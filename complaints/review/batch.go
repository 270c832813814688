package review

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/audit"
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

const complaintColumns = `
SELECT c.id, c.reference, c.channel, c.party_id, coalesce(p.name, c.party_text), c.received_at, c.received_at_has_time,
    c.sender, c.message, c.description, c.consent, c.opted_out, c.tps_registered, c.sender_identified,
    c.opt_out_offered, c.recipients_visible, c.special_category, c.status, c.priority
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id`

// lockComplaints locks the given complaints, waiting for any other
// triage of them to finish. FOR NO KEY UPDATE excludes every other
// triage and officer action on the row but not the key-share locks of
// rows that merely reference it (cluster members, decisions).
const lockComplaints = complaintColumns + `
WHERE c.id = ANY($1)
ORDER BY c.id
FOR NO KEY UPDATE OF c`

// claimComplaints locks the job's own complaint if no one else holds it,
// and up to $3 complaints still new after $2 that no one else holds:
// SKIP LOCKED lets concurrent jobs claim disjoint batches instead of
// queueing behind one another. $2 (the highest id this process has
// claimed) keeps the index scan at the front of the queue rather than
// walking the complaints already triaged. The lock in the outer query is
// one the claim already holds; it makes the columns read those of the
// latest row version.
const claimComplaints = `
WITH more AS (
    SELECT id FROM complaints WHERE id > $2 AND id <> $1 AND status = 'new'
    ORDER BY id LIMIT $3
    FOR NO KEY UPDATE SKIP LOCKED)` + complaintColumns + `
WHERE c.id = ANY(ARRAY(SELECT id FROM more) || $1::bigint)
ORDER BY c.id
FOR NO KEY UPDATE OF c SKIP LOCKED`

// complaintState reads, after the lock (so with a snapshot that sees any
// triage that committed while this one waited), each complaint's result
// from this rulebook and whether an officer's override stands.
const complaintState = `
SELECT u.id, coalesce(r.id, 0), coalesce(r.is_current, false), coalesce(r.priority, ''),
    coalesce((SELECT d.kind = 'override' FROM triage_decisions d WHERE d.complaint_id = u.id ORDER BY d.id DESC LIMIT 1), false)
FROM unnest($1::bigint[]) AS u(id)
LEFT JOIN triage_results r ON r.complaint_id = u.id AND r.rulebook_version = $2 AND r.rulebook_hash = $3`

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

func scanComplaints(rows pgx.Rows) ([]*storedComplaint, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*storedComplaint, error) {
		s := &storedComplaint{}
		var optedOut, tps, ident, optOut, special *bool
		var visible *int
		c := &s.in
		if err := r.Scan(&s.id, &s.ref, &c.Channel, &s.partyID, &c.Party, &s.received, &s.hasTime,
			&c.Sender, &c.Message, &c.Description, &c.Consent, &optedOut, &tps, &ident, &optOut, &visible, &special,
			&s.status, &s.priority); err != nil {
			return nil, err
		}
		c.ReceivedAt = triage.Date{Time: s.received, DayOnly: !s.hasTime}
		c.OptedOut, c.TPSRegistered, c.SenderIdentified = optBool(optedOut), optBool(tps), optBool(ident)
		c.OptOutOffered, c.SpecialCategory, c.RecipientsVisible = optBool(optOut), optBool(special), optInt(visible)
		s.message = c.Message
		_, s.senderKey = triage.NormaliseSender(c.Sender)
		s.clusters = s.senderKey != "" && !placeholderSenders[s.senderKey]
		return s, nil
	})
}

// senderLock is the advisory lock key that serialises the clustering of
// complaints about one sender, so the first two always see each other.
func senderLock(key string) int64 {
	h := fnv.New64a()
	h.Write([]byte("sender:"))
	h.Write([]byte(key))
	return int64(h.Sum64())
}

// Triage runs the engine over one stored complaint and stores the result,
// in one transaction, waiting if another triage holds the complaint. It is
// safe to call any number of times.
func (p *Pipeline) Triage(ctx context.Context, complaintID int64) (Outcome, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Label: "system"})
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return Outcome{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	rows, _ := tx.Query(ctx, lockComplaints, []int64{complaintID})
	scs, err := scanComplaints(rows)
	if err != nil {
		return Outcome{}, fmt.Errorf("load complaint %d: %w", complaintID, err)
	}
	if len(scs) == 0 {
		return Outcome{}, nil // erased since it was queued
	}
	if err := p.triageTx(ctx, tx, scs); err != nil {
		return Outcome{}, err
	}
	return scs[0].outcome, tx.Commit(ctx)
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

	var done, pending bool
	if err := p.pool.QueryRow(ctx, triagedAlready, complaintID, rb.Version, rb.Hash, from).Scan(&done, &pending); err != nil {
		return 0, err
	}
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

// triagedAlready says whether the complaint's current result is this
// rulebook's and the complaint already reflects it, so that triaging it
// would change nothing, and whether any complaint after $4 is still new.
const triagedAlready = `
SELECT EXISTS (
    SELECT 1 FROM complaints c
    JOIN triage_results r ON r.complaint_id = c.id AND r.is_current AND r.rulebook_version = $2 AND r.rulebook_hash = $3
    WHERE c.id = $1 AND c.status <> 'new'
      AND (c.priority = r.priority
           OR coalesce((SELECT d.kind = 'override' FROM triage_decisions d WHERE d.complaint_id = c.id ORDER BY d.id DESC LIMIT 1), false))),
    EXISTS (SELECT 1 FROM complaints WHERE id > $4 AND id <> $1 AND status = 'new')`

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
	rows, _ := tx.Query(ctx, claimComplaints, complaintID, from, BatchSize-1)
	scs, err := scanComplaints(rows)
	if err != nil {
		return 0, false, fmt.Errorf("claim complaints: %w", err)
	}
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
	rows, _ := tx.Query(ctx, complaintState, ids, rb.Version, rb.Hash)
	var id, existing int64
	var current, overridden bool
	var prio string
	if _, err := pgx.ForEachRow(rows, []any{&id, &existing, &current, &prio, &overridden}, func() error {
		sc := byID[id]
		sc.existing, sc.existingCurrent, sc.existingPrio, sc.overridden = existing, current, prio, overridden
		return nil
	}); err != nil {
		return fmt.Errorf("read triage state: %w", err)
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

// clusterBatchTx indexes and clusters the complaints, set-based, and
// counts their recent cluster members. The text candidates are read
// holding no advisory lock; then every lock the batch's clustering needs
// (its senders and text bands) is taken in one statement, in ascending
// order, so batches sharing a sender or a band serialise without
// deadlocking (textClustersTx). Texts are compared in id order, so each
// sees the ones before it; counts are taken once the whole batch is
// indexed, so a complaint counts every other complaint received in the
// week before it, whatever order they were triaged in.
func clusterBatchTx(ctx context.Context, tx pgx.Tx, scs []*storedComplaint) error {
	if len(scs) == 0 {
		return nil
	}
	var senderLocks []int64
	for _, sc := range scs {
		if sc.clusters {
			senderLocks = append(senderLocks, senderLock(sc.senderKey))
		}
	}
	if err := textClustersTx(ctx, tx, scs, senderLocks); err != nil {
		return err
	}
	if err := senderClustersTx(ctx, tx, scs); err != nil {
		return fmt.Errorf("sender clusters: %w", err)
	}
	return clusterRecentTx(ctx, tx, scs)
}

// clusterRecent reads, for the batch's clusters, how many members were
// received at each time within the batch's counting window: one range of
// the (cluster, received_at) index per cluster, however large it is. Each
// complaint's count is then summed from it (clusterRecentTx).
const clusterRecent = `
SELECT cluster_id, received_at, count(*) FROM complaint_cluster_members
WHERE cluster_id = ANY($1) AND received_at >= $2::timestamptz - interval '7 days' AND received_at < $3
GROUP BY cluster_id, received_at
ORDER BY cluster_id, received_at`

// clusterRecentTx sets each complaint's recent count: the other members
// of its clusters received in the seven days before it (the larger of its
// two clusters). A campaign sending one text from many numbers is as much
// "the same sender" as one number sending many.
func clusterRecentTx(ctx context.Context, tx pgx.Tx, scs []*storedComplaint) error {
	var clusterIDs []int64
	var lo, hi time.Time
	for _, sc := range scs {
		for _, c := range []*int64{sc.cl.SenderClusterID, sc.cl.TextClusterID} {
			if c == nil {
				continue
			}
			clusterIDs = append(clusterIDs, *c)
			if lo.IsZero() || sc.received.Before(lo) {
				lo = sc.received
			}
			if sc.received.After(hi) {
				hi = sc.received
			}
		}
	}
	if len(clusterIDs) == 0 {
		return nil
	}
	slices.Sort(clusterIDs)
	clusterIDs = slices.Compact(clusterIDs)
	type mark struct {
		at  time.Time
		sum int // members received at or before at
	}
	marks := map[int64][]mark{}
	rows, _ := tx.Query(ctx, clusterRecent, clusterIDs, lo, hi)
	var cid int64
	var at time.Time
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&cid, &at, &n}, func() error {
		ms := marks[cid]
		sum := n
		if len(ms) > 0 {
			sum += ms[len(ms)-1].sum
		}
		marks[cid] = append(ms, mark{at, sum})
		return nil
	}); err != nil {
		return fmt.Errorf("recent cluster members: %w", err)
	}
	// before counts the cluster's members received before t.
	before := func(ms []mark, t time.Time) int {
		i, _ := slices.BinarySearchFunc(ms, t, func(m mark, t time.Time) int { return m.at.Compare(t) })
		if i == 0 {
			return 0
		}
		return ms[i-1].sum
	}
	for _, sc := range scs {
		for _, c := range []*int64{sc.cl.SenderClusterID, sc.cl.TextClusterID} {
			if c == nil {
				continue
			}
			ms := marks[*c]
			// The complaint itself was received at r, not before it.
			sc.recent = max(sc.recent, before(ms, sc.received)-before(ms, sc.received.Add(-7*24*time.Hour)))
		}
	}
	return nil
}

// leaveSenderClusters takes complaints out of a sender cluster whose key
// is no longer their sender's (a re-run after the normaliser changed),
// keeping the old cluster's size right.
const leaveSenderClusters = `
WITH gone AS (
    DELETE FROM complaint_cluster_members m USING complaint_clusters k, unnest($1::bigint[], $2::text[]) AS u(id, key)
    WHERE m.complaint_id = u.id AND m.kind = 'sender' AND k.id = m.cluster_id AND k.key <> u.key
    RETURNING m.cluster_id)
UPDATE complaint_clusters k SET size = k.size - g.n, updated_at = now()
FROM (SELECT cluster_id, count(*) AS n FROM gone GROUP BY cluster_id) g
WHERE k.id = g.cluster_id`

// addSenderMembers fills the sender clusters of $1: a cluster started now
// takes in every complaint about its sender, an existing one the batch's
// ($2 to $4). Each cluster's size and first and last seen move by the
// members actually added, so a batch's cost does not grow with its
// clusters.
const addSenderMembers = `
WITH ins AS (
    INSERT INTO complaint_cluster_members (cluster_id, complaint_id, kind, received_at)
    SELECT k.id, s.complaint_id, 'sender', s.received_at
    FROM complaint_clusters k JOIN complaint_senders s ON s.sender_key = k.key
    WHERE k.kind = 'sender' AND k.key = ANY($1) AND k.created_at = now()
    UNION ALL
    SELECT k.id, u.id, 'sender', u.r
    FROM unnest($2::bigint[], $3::text[], $4::timestamptz[]) AS u(id, key, r)
    JOIN complaint_clusters k ON k.kind = 'sender' AND k.key = u.key
    WHERE u.key = ANY($1)
    ON CONFLICT DO NOTHING
    RETURNING cluster_id, received_at)
UPDATE complaint_clusters k SET size = k.size + a.n, first_seen = least(k.first_seen, a.first),
    last_seen = greatest(k.last_seen, a.last), updated_at = now()
FROM (SELECT cluster_id, count(*) AS n, min(received_at) AS first, max(received_at) AS last FROM ins GROUP BY cluster_id) a
WHERE k.id = a.cluster_id`

// senderClustersTx indexes the senders of the complaints (already holding
// their sender locks) and forms or joins their sender clusters, in two
// round trips for the whole set; a complaint indexed before under another
// sender leaves that sender's cluster. The counts see every other
// complaint about the sender already indexed, this batch's included, so a
// complaint's count is the complaints received in the week before it
// whatever order they were triaged in.
func senderClustersTx(ctx context.Context, tx pgx.Tx, scs []*storedComplaint) error {
	var ids []int64
	var keys []string
	var received []time.Time
	byID := map[int64]*storedComplaint{}
	for _, sc := range scs {
		if sc.clusters {
			ids, keys, received = append(ids, sc.id), append(keys, sc.senderKey), append(received, sc.received)
			byID[sc.id] = sc
		}
	}
	if len(ids) == 0 {
		return nil
	}
	others := map[string]time.Time{} // sender key → a received time, for senders with others
	b := &pgx.Batch{}
	b.Queue(leaveSenderClusters, ids, keys)
	b.Queue(`
INSERT INTO complaint_senders (complaint_id, sender_key, received_at)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[])
ON CONFLICT (complaint_id) DO UPDATE SET sender_key = excluded.sender_key, received_at = excluded.received_at`, ids, keys, received)
	b.Queue(`
SELECT u.id,
    (SELECT count(*) FROM complaint_senders s
     WHERE s.sender_key = u.k AND s.complaint_id <> u.id
       AND s.received_at >= u.r - interval '7 days' AND s.received_at < u.r),
    EXISTS (SELECT 1 FROM complaint_senders s WHERE s.sender_key = u.k AND s.complaint_id <> u.id)
FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS u(id, k, r)`, ids, keys, received).Query(func(rows pgx.Rows) error {
		var id int64
		var n int
		var has bool
		_, err := pgx.ForEachRow(rows, []any{&id, &n, &has}, func() error {
			sc := byID[id]
			sc.cl.SameSender7d = n
			if has {
				others[sc.senderKey] = sc.received
			}
			return nil
		})
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if len(others) == 0 {
		return nil
	}
	ckeys := make([]string, 0, len(others))
	for k := range others {
		ckeys = append(ckeys, k)
	}
	slices.Sort(ckeys)
	seen := make([]time.Time, len(ckeys))
	for i, k := range ckeys {
		seen[i] = others[k]
	}
	// A cluster created now takes in every complaint about its sender; an
	// existing one already has the earlier ones and gains this batch's.
	clusters := map[string][2]int64{} // key → id, size
	b = &pgx.Batch{}
	b.Queue(`
INSERT INTO complaint_clusters (kind, key, label, first_seen, last_seen)
SELECT 'sender', k, k, r, r FROM unnest($1::text[], $2::timestamptz[]) AS u(k, r)
ON CONFLICT (kind, key) DO UPDATE SET updated_at = now()`, ckeys, seen)
	b.Queue(addSenderMembers, ckeys, ids, keys, received)
	b.Queue(`
SELECT key, id, size FROM complaint_clusters WHERE kind = 'sender' AND key = ANY($1)`, ckeys).Query(func(rows pgx.Rows) error {
		var key string
		var id, size int64
		_, err := pgx.ForEachRow(rows, []any{&key, &id, &size}, func() error {
			clusters[key] = [2]int64{id, size}
			return nil
		})
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	for _, sc := range byID {
		if _, ok := others[sc.senderKey]; !ok {
			continue
		}
		c, ok := clusters[sc.senderKey]
		if !ok {
			return fmt.Errorf("sender cluster for complaint %d not formed", sc.id)
		}
		id := c[0]
		sc.cl.SenderClusterID = &id
		sc.cl.Size = max(sc.cl.Size, int(c[1]))
	}
	return nil
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
}

// insertResults stores the new results in one statement. The rows travel
// as one JSON array: text[] and jsonb columns do not go through unnest.
const insertResults = `
INSERT INTO triage_results (complaint_id, rulebook_version, rulebook_hash, channel, channels, provisions, guidance,
    score, priority, actions, rationale, context)
SELECT x.complaint_id, $2, $3, x.channel, x.channels, x.provisions, x.guidance, x.score, x.priority, x.actions,
    x.rationale, x.context
FROM jsonb_to_recordset($1::jsonb) AS x(complaint_id bigint, channel text, channels text[], provisions text[],
    guidance text[], score integer, priority text, actions text[], rationale jsonb, context jsonb)
ORDER BY x.complaint_id
RETURNING complaint_id, id`

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
			Actions: nonNil(res.Actions), Rationale: rationale, Context: ctxJSON})
		newIDs = append(newIDs, sc.id)
		sc.outcome = Outcome{Stored: true, Priority: res.Priority}
		items = append(items, audit.Item{ObjectID: sc.ref, Change: audit.Change{After: map[string]any{
			"rulebook_version": rb.Version, "rulebook_hash": rb.Hash, "priority": res.Priority, "score": res.Score,
			"provisions": res.Provisions,
		}}})
		if sc.newParty != nil {
			partyIDs, parties = append(partyIDs, sc.id), append(parties, *sc.newParty)
		}
	}
	if len(staleIDs) > 0 || len(newIDs) > 0 {
		b.Queue(`UPDATE triage_results SET is_current = false WHERE complaint_id = ANY($1) AND is_current`,
			append(slices.Clone(staleIDs), newIDs...))
	}
	if len(staleResults) > 0 {
		b.Queue(`UPDATE triage_results SET is_current = true WHERE id = ANY($1)`, staleResults)
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
		b.Queue(insertResults, string(payload), rb.Version, rb.Hash).Query(func(rows pgx.Rows) error {
			var cid, id int64
			_, err := pgx.ForEachRow(rows, []any{&cid, &id}, func() error {
				byID[cid].outcome.ResultID = id
				return nil
			})
			return err
		})
	}
	// The engine may recognise a party the intake's exact match missed
	// ("the Tories"); record it so the complaint counts against the party.
	if len(partyIDs) > 0 {
		b.Queue(`
UPDATE complaints c SET party_id = u.pid FROM unnest($1::bigint[], $2::bigint[]) AS u(id, pid)
WHERE c.id = u.id AND c.party_id IS NULL`, partyIDs, parties)
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
		if status == StatusNew {
			status = StatusTriaged
		}
		if status == sc.status && sc.priority != nil && *sc.priority == priority {
			continue
		}
		upIDs, upStatus, upPrio = append(upIDs, sc.id), append(upStatus, status), append(upPrio, priority)
	}
	if len(upIDs) > 0 {
		b.Queue(`
UPDATE complaints c SET status = u.status, priority = NULLIF(u.priority, ''), updated_at = now()
FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, status, priority)
WHERE c.id = u.id`, upIDs, upStatus, upPrio)
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
