package review

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster kinds.
const (
	ClusterSender = "sender"
	ClusterText   = "text"
)

// TextWindow is how far apart in time two complaints may be received and
// still be compared for near-identical text.
const TextWindow = 30 * 24 * time.Hour

// candidatesPerBand is how many complaints indexed under one text band a
// batch reads as candidates, the earliest first. It bounds the candidate
// read whatever the size of a campaign: under a surge every copy of the
// text shares the same bands, and reading them all (as the per-complaint
// query once did, for every complaint) grew with the surge and held the
// band locks for seconds. The earliest complaints under a band are the
// ones a text cluster starts from, so its members are among them.
const candidatesPerBand = 64

// lockBands takes a transaction-scoped advisory lock on each key (text
// bands and senders), in ascending order so two transactions never wait
// on each other in a cycle. Two complaints can only be compared if they
// share a band (that is how candidates are found), so two near-identical
// complaints triaged at the same moment queue on their shared band and
// the second sees the first: they cannot each start a cluster of their
// own. Unrelated texts do not wait for each other.
const lockBands = `SELECT pg_advisory_xact_lock(b) FROM unnest($1::bigint[]) AS u(b)`

// Under a surge of one text every batch queues on the same bands, so a
// batch may wait for several others to commit: far longer than the pool's
// lock_timeout (DB_LOCK_TIMEOUT, 5s), which is meant for requests. Failing
// there would send the job into backoff and the batch to the back of the
// queue, working against the surge. So the band locks alone may wait up to
// bandLockWait, bounded by the job's own deadline; the statement and lock
// timeouts are back to the pool's for the rest of the transaction.
const (
	liftBandLockWait   = `SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $1, true)`
	restoreLockTimeout = `SET LOCAL lock_timeout TO DEFAULT`
	restoreStmtTimeout = `SET LOCAL statement_timeout TO DEFAULT`
	bandLockWait       = 30 * time.Second
)

// queueBandLocks queues on b the band locks keys, allowed to wait as
// explained at bandLockWait, in the same round trip as the rest of b.
func queueBandLocks(ctx context.Context, b *pgx.Batch, keys []int64) {
	wait := bandLockWait
	if dl, ok := ctx.Deadline(); ok {
		wait = max(min(wait, time.Until(dl)), time.Millisecond)
	}
	b.Queue(liftBandLockWait, strconv.FormatInt(wait.Milliseconds(), 10))
	b.Queue(lockBands, keys)
	b.Queue(restoreLockTimeout)
	b.Queue(restoreStmtTimeout)
}

// placeholderSenders are what people type when there was no sender to
// see; grouping on them would make one meaningless giant cluster.
var placeholderSenders = map[string]bool{
	"withheld": true, "unknown": true, "private": true, "privatenumber": true, "private number": true,
	"no caller id": true, "nocallerid": true, "anonymous": true, "n/a": true, "na": true, "none": true,
	"not known": true, "dont know": true, "don't know": true, "unsure": true, "-": true,
}

// clusterOutcome is the clusters a complaint belongs to after clustering.
type clusterOutcome struct {
	SenderClusterID *int64
	TextClusterID   *int64
	// SameSender7d counts other complaints about the same sender received
	// in the seven days before this one.
	SameSender7d int
	// Size is the size of the larger of the complaint's clusters (0 if none).
	Size int
}

// snapshotNow is the snapshot the candidate read sees (or an older one:
// it is taken just before it, in the same transaction), so that the rows
// committed after it can be told apart from those the read saw.
const snapshotNow = `SELECT pg_current_snapshot()::text`

// candidatesFrom reads, for each band of a batch ($1), the earliest
// complaints indexed under it ($5 at most) received within the batch's
// window ($2 to $3), other than the batch's own ($4), with their message
// and text cluster. One statement for the whole batch; each band is one
// short range of the primary key, and each complaint found one index
// lookup, so its cost does not grow with the number of complaints sharing
// the band. The predicate %s narrows the
// rows read (textDelta).
const candidatesFrom = `
WITH q AS (SELECT DISTINCT band FROM unnest($1::bigint[]) AS u(band)),
hit AS (
    SELECT x.band, x.complaint_id, x.received_at FROM q CROSS JOIN LATERAL (
        SELECT b.band, b.complaint_id, b.received_at FROM complaint_text_bands b
        WHERE b.band = q.band AND b.received_at BETWEEN $2 AND $3 AND b.complaint_id <> ALL($4) %s
        ORDER BY b.complaint_id LIMIT $5) x),
found AS (SELECT complaint_id, min(received_at) AS received_at, array_agg(band) AS bands FROM hit GROUP BY complaint_id)
SELECT f.complaint_id, f.received_at, f.bands, c.message,
    (SELECT m.cluster_id FROM complaint_cluster_members m WHERE m.complaint_id = f.complaint_id AND m.kind = 'text')
FROM found f JOIN complaints c ON c.id = f.complaint_id
ORDER BY f.complaint_id`

// textCandidates is the batch's candidate read, run before any advisory
// lock is taken.
var textCandidates = fmt.Sprintf(candidatesFrom, "")

// textDelta is the same read once the band locks are held, of only the
// rows committed since the snapshot $6 (snapshotNow): those of the
// transactions the locks waited for. Rows older than the snapshot's xmin
// were visible to it, so the index on (band, inserted_by) reads only
// the few newer ones.
var textDelta = fmt.Sprintf(candidatesFrom,
	`AND b.inserted_by >= pg_snapshot_xmin($6::pg_snapshot) AND NOT pg_visible_in_snapshot(b.inserted_by, $6::pg_snapshot)`)

// textClustersOf reads the text clusters complaints belong to: the batch's
// own (a complaint re-run stays in its text cluster, as its message never
// changes), and, once the band locks are held, the candidates the first
// read found in none (while this transaction waited for the locks,
// another may have started a cluster from one of them).
const textClustersOf = `
SELECT complaint_id, cluster_id FROM complaint_cluster_members WHERE complaint_id = ANY($1) AND kind = 'text'`

// clusterRef names a text cluster: an existing one by id, or one this
// batch starts by its key. The zero value is no cluster.
type clusterRef struct {
	id  int64
	key string
}

func (r clusterRef) none() bool { return r.id == 0 && r.key == "" }

// textNode is a complaint the batch compares texts with: a candidate read
// from the database or one of the batch's own complaints once clustered.
type textNode struct {
	id       int64
	received time.Time
	message  string
	set      map[uint64]struct{} // shingles, computed when first compared
	cluster  clusterRef
	seenBy   int // the last item (1-based) whose candidates took it in
}

// textMember is one membership a batch adds.
type textMember struct {
	cluster    clusterRef
	id         int64
	similarity float64
	received   time.Time
}

// textPlan is what clustering a batch's texts decided, to be written.
type textPlan struct {
	newClusters map[string]*textNode // key → founding complaint
	members     []textMember
}

// textItem is one of the batch's complaints to cluster by text.
type textItem struct {
	node  *textNode
	bands []int64
}

// planTexts clusters items (in id order, so each sees those before it)
// against the candidates and each other, in memory. A complaint joins the
// cluster of the most similar complaint sharing one of its bands whose
// text is near-identical (SimilarityThreshold) and received within
// TextWindow, preferring one already in a cluster; with none in a cluster
// it starts one with the most similar, keyed by that complaint's id.
func planTexts(items []textItem, candidates []*textCandidate) textPlan {
	plan := textPlan{newClusters: map[string]*textNode{}}
	byBand := map[int64][]*textNode{}
	for _, c := range candidates {
		for _, b := range c.bands {
			byBand[b] = append(byBand[b], c.node)
		}
	}
	// Under a surge most messages are copies of a few texts: each distinct
	// pair of texts is compared once per batch.
	sims := map[[2]string]float64{}
	shingles := map[string]map[uint64]struct{}{}
	similarity := func(a, b *textNode) float64 {
		if a.message == b.message {
			return 1
		}
		key := [2]string{a.message, b.message}
		if a.message > b.message {
			key = [2]string{b.message, a.message}
		}
		if s, ok := sims[key]; ok {
			return s
		}
		set := func(n *textNode) map[uint64]struct{} {
			if n.set == nil {
				if n.set = shingles[n.message]; n.set == nil {
					n.set = Shingles(n.message)
					shingles[n.message] = n.set
				}
			}
			return n.set
		}
		s := Jaccard(set(a), set(b))
		sims[key] = s
		return s
	}
	var pool []*textNode
	for i, it := range items {
		me := it.node
		me.seenBy = i + 1
		pool = pool[:0]
		for _, b := range it.bands {
			for _, n := range byBand[b] {
				if n.seenBy != i+1 {
					n.seenBy = i + 1
					pool = append(pool, n)
				}
			}
		}
		slices.SortFunc(pool, func(a, b *textNode) int { return cmp.Compare(a.id, b.id) })
		var best *textNode
		bestSim := 0.0
		for _, n := range pool {
			if d := n.received.Sub(me.received); d > TextWindow || d < -TextWindow {
				continue
			}
			sim := similarity(me, n)
			if sim < SimilarityThreshold {
				continue
			}
			// Prefer joining an existing cluster over starting one, then
			// the closest match; the earliest on a tie.
			better := best == nil ||
				(!n.cluster.none() && best.cluster.none()) ||
				(n.cluster.none() == best.cluster.none() && sim > bestSim)
			if better {
				best, bestSim = n, sim
			}
			if !best.cluster.none() && bestSim == 1 {
				break // nothing later can do better
			}
		}
		if best != nil {
			if best.cluster.none() {
				key := fmt.Sprintf("text:%d", best.id)
				best.cluster = clusterRef{key: key}
				plan.newClusters[key] = best
				plan.members = append(plan.members, textMember{cluster: best.cluster, id: best.id, similarity: 1, received: best.received})
			}
			me.cluster = best.cluster
			plan.members = append(plan.members, textMember{cluster: me.cluster, id: me.id, similarity: bestSim, received: me.received})
		}
		for _, b := range it.bands {
			byBand[b] = append(byBand[b], me)
		}
	}
	return plan
}

// textCandidate is a candidate read from the database and the bands under
// which it was found.
type textCandidate struct {
	node  *textNode
	bands []int64
}

func scanCandidates(into map[int64]*textCandidate) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		var id int64
		var received time.Time
		var bands []int64
		var message string
		var cluster *int64
		_, err := pgx.ForEachRow(rows, []any{&id, &received, &bands, &message, &cluster}, func() error {
			c := into[id]
			if c == nil {
				c = &textCandidate{node: &textNode{id: id, received: received, message: message}}
				into[id] = c
			}
			c.bands = append(c.bands, bands...)
			if cluster != nil {
				c.node.cluster = clusterRef{id: *cluster}
			}
			return nil
		})
		return err
	}
}

// textClustersTx clusters the texts of the batch's complaints that are
// long enough to compare, and records each one's text cluster and the
// cluster's size in its outcome. It is idempotent: a complaint already in
// a text cluster stays there, and indexing is ON CONFLICT DO NOTHING.
//
// Locks: the candidates are read, and the batch's own bands indexed,
// holding no advisory lock (the batch holds only its own claimed
// complaints' rows). Then the band locks, with senderLocks, are taken in
// one statement in ascending order, and what committed meanwhile under the
// same bands (the transactions the locks waited for) is read with
// textDelta, which finds only those rows. So two near-identical
// complaints in concurrent batches still see each other, and no lock is
// held across the candidate read.
func textClustersTx(ctx context.Context, tx pgx.Tx, scs []*storedComplaint, senderLocks []int64) error {
	var items []textItem
	var ids, allBands, bandIDs, bandVals []int64
	var bandAt []time.Time
	var lo, hi time.Time
	for _, sc := range scs {
		ids = append(ids, sc.id)
		set := Shingles(sc.message)
		if len(set) == 0 {
			continue
		}
		bands := Bands(set)
		items = append(items, textItem{node: &textNode{id: sc.id, received: sc.received, message: sc.message, set: set}, bands: bands})
		allBands = append(allBands, bands...)
		for _, band := range bands {
			bandIDs, bandVals, bandAt = append(bandIDs, sc.id), append(bandVals, band), append(bandAt, sc.received)
		}
		if lo.IsZero() || sc.received.Before(lo) {
			lo = sc.received
		}
		if sc.received.After(hi) {
			hi = sc.received
		}
	}
	if len(items) == 0 {
		if len(senderLocks) > 0 {
			b := &pgx.Batch{}
			queueBandLocks(ctx, b, senderLocks)
			return tx.SendBatch(ctx, b).Close()
		}
		return nil
	}
	lo, hi = lo.Add(-TextWindow), hi.Add(TextWindow)
	slices.SortFunc(items, func(a, b textItem) int { return cmp.Compare(a.node.id, b.node.id) })

	// Read without locks: existing memberships, the snapshot, candidates.
	existing := map[int64]int64{}
	cands := map[int64]*textCandidate{}
	var snapshot string
	b := &pgx.Batch{}
	b.Queue(textClustersOf, ids).Query(func(rows pgx.Rows) error {
		var id, cid int64
		_, err := pgx.ForEachRow(rows, []any{&id, &cid}, func() error { existing[id] = cid; return nil })
		return err
	})
	b.Queue(snapshotNow).QueryRow(func(r pgx.Row) error { return r.Scan(&snapshot) })
	b.Queue(textCandidates, allBands, lo, hi, ids, candidatesPerBand).Query(scanCandidates(cands))
	// The batch's own bands are indexed now too, holding no lock: no other
	// transaction sees them before this one commits, and the reads leave
	// the batch's own complaints out. A complaint indexed before keeps its
	// rows.
	b.Queue(insertTextBands, bandVals, bandIDs, bandAt)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("text candidates: %w", err)
	}

	// Lock, then read what committed meanwhile.
	locks := append(slices.Clone(senderLocks), allBands...)
	slices.Sort(locks)
	locks = slices.Compact(locks)
	var loose []int64 // candidates in no cluster when read
	for id, c := range cands {
		if c.node.cluster.none() {
			loose = append(loose, id)
		}
	}
	b = &pgx.Batch{}
	queueBandLocks(ctx, b, locks)
	b.Queue(textDelta, allBands, lo, hi, ids, candidatesPerBand, snapshot).Query(scanCandidates(cands))
	if len(loose) > 0 {
		b.Queue(textClustersOf, loose).Query(func(rows pgx.Rows) error {
			var id, cid int64
			_, err := pgx.ForEachRow(rows, []any{&id, &cid}, func() error {
				cands[id].node.cluster = clusterRef{id: cid}
				return nil
			})
			return err
		})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("text candidates since the lock: %w", err)
	}

	var todo []textItem
	for _, it := range items {
		if cid, ok := existing[it.node.id]; ok {
			it.node.cluster = clusterRef{id: cid}
			continue
		}
		todo = append(todo, it)
	}
	candList := make([]*textCandidate, 0, len(cands)+len(items)-len(todo))
	for _, c := range cands {
		candList = append(candList, c)
	}
	for _, it := range items {
		if !it.node.cluster.none() { // already clustered: compared, not moved
			candList = append(candList, &textCandidate{node: it.node, bands: it.bands})
		}
	}
	plan := planTexts(todo, candList)
	sizes, err := writeTextPlanTx(ctx, tx, items, plan)
	if err != nil {
		return err
	}
	byID := map[int64]*storedComplaint{}
	for _, sc := range scs {
		byID[sc.id] = sc
	}
	for _, it := range items {
		ref := it.node.cluster
		if ref.none() {
			continue
		}
		s, ok := sizes[ref]
		if !ok {
			return fmt.Errorf("text cluster for complaint %d not formed", it.node.id)
		}
		sc := byID[it.node.id]
		id := s[0]
		sc.cl.TextClusterID = &id
		sc.cl.Size = max(sc.cl.Size, int(s[1]))
	}
	return nil
}

// writeTextPlanTx starts the plan's new clusters, adds its members and
// updates the clusters' figures, in one round trip, and returns the id and
// size of every cluster the batch's items belong to.
func writeTextPlanTx(ctx context.Context, tx pgx.Tx, items []textItem, plan textPlan) (map[clusterRef][2]int64, error) {
	var joinIDs []int64 // existing clusters joined, locked in id order
	for _, m := range plan.members {
		if m.cluster.id != 0 {
			joinIDs = append(joinIDs, m.cluster.id)
		}
	}
	slices.Sort(joinIDs)
	joinIDs = slices.Compact(joinIDs)
	keys := make([]string, 0, len(plan.newClusters))
	for k := range plan.newClusters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	labels, seen := make([]string, len(keys)), make([]time.Time, len(keys))
	for i, k := range keys {
		labels[i], seen[i] = firstWords(plan.newClusters[k].message, 12), plan.newClusters[k].received
	}
	mIDs, mClusters, mKeys, mSims, mAt := []int64{}, []int64{}, []string{}, []float64{}, []time.Time{}
	for _, m := range plan.members {
		mIDs, mClusters, mKeys = append(mIDs, m.id), append(mClusters, m.cluster.id), append(mKeys, m.cluster.key)
		mSims, mAt = append(mSims, m.similarity), append(mAt, m.received)
	}
	var allIDs []int64
	for _, it := range items {
		if it.node.cluster.id != 0 {
			allIDs = append(allIDs, it.node.cluster.id)
		}
	}

	b := &pgx.Batch{}
	if len(joinIDs) > 0 {
		b.Queue(lockTextClusters, joinIDs)
	}
	if len(keys) > 0 {
		b.Queue(startTextClusters, keys, labels, seen)
	}
	if len(mIDs) > 0 {
		b.Queue(addTextMembers, mClusters, mKeys, mIDs, mSims, mAt)
	}
	sizes := map[clusterRef][2]int64{}
	b.Queue(textClusterSizes, allIDs, keys).Query(func(rows pgx.Rows) error {
		var id, size int64
		var key string
		_, err := pgx.ForEachRow(rows, []any{&id, &key, &size}, func() error {
			sizes[clusterRef{id: id}] = [2]int64{id, size}
			sizes[clusterRef{key: key}] = [2]int64{id, size}
			return nil
		})
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("text clusters: %w", err)
	}
	return sizes, nil
}

const insertTextBands = `
INSERT INTO complaint_text_bands (band, complaint_id, received_at)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[]) ON CONFLICT DO NOTHING`

// lockTextClusters locks the existing clusters a batch joins, in id order,
// before it starts new ones, so two batches never wait on each other's
// cluster rows in a cycle.
const lockTextClusters = `SELECT id FROM complaint_clusters WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`

// startTextClusters starts the batch's new text clusters. Another batch
// starting the same one (from the same first complaint) at the same
// moment makes this wait for it and then share its cluster.
const startTextClusters = `
INSERT INTO complaint_clusters (kind, key, label, first_seen, last_seen)
SELECT 'text', k, l, s, s FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(k, l, s) ORDER BY k
ON CONFLICT (kind, key) DO UPDATE SET updated_at = now()`

// addTextMembers adds the members and moves each cluster's size and first
// and last seen by those actually added: recounting a cluster's members
// would cost as much as the cluster is large, for every batch of a
// campaign. A member already present (a repeat run) adds nothing.
const addTextMembers = `
WITH u AS (
    SELECT coalesce(k.id, u.cid) AS cluster_id, u.id, u.sim, u.r
    FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::real[], $5::timestamptz[]) AS u(cid, key, id, sim, r)
    LEFT JOIN complaint_clusters k ON k.kind = 'text' AND k.key = u.key AND u.cid = 0),
ins AS (
    INSERT INTO complaint_cluster_members (cluster_id, complaint_id, kind, similarity, received_at)
    SELECT cluster_id, id, 'text', sim, r FROM u
    ON CONFLICT DO NOTHING
    RETURNING cluster_id, received_at)
UPDATE complaint_clusters k SET size = k.size + a.n, first_seen = least(k.first_seen, a.first),
    last_seen = greatest(k.last_seen, a.last), updated_at = now()
FROM (SELECT cluster_id, count(*) AS n, min(received_at) AS first, max(received_at) AS last FROM ins GROUP BY cluster_id) a
WHERE k.id = a.cluster_id`

const textClusterSizes = `
SELECT id, key, size FROM complaint_clusters WHERE id = ANY($1)
UNION ALL
SELECT id, key, size FROM complaint_clusters WHERE kind = 'text' AND key = ANY($2)`

// firstWords is a short label for a text cluster: the start of the message.
func firstWords(text string, n int) string {
	w := words(text)
	if len(w) > n {
		w = append(w[:n:n], "…")
	}
	return strings.Join(w, " ")
}
