package review

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/database"
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

// addCandidates adds the candidates read to into: a complaint found
// under several bands, or by both reads, is one candidate.
func addCandidates(into map[int64]*textCandidate, rows []dbsqlc.TextCandidatesRow) {
	for _, r := range rows {
		c := into[r.ComplaintID]
		if c == nil {
			c = &textCandidate{node: &textNode{id: r.ComplaintID, received: r.ReceivedAt, message: r.Message}}
			into[r.ComplaintID] = c
		}
		c.bands = append(c.bands, r.Bands...)
		if r.ClusterID != 0 {
			c.node.cluster = clusterRef{id: r.ClusterID}
		}
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
// TextDelta, which finds only those rows. So two near-identical
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
			if err := queueBandLocks(ctx, b, senderLocks); err != nil {
				return err
			}
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
	database.QueueRows(b, newQueries, func(q *dbsqlc.Queries) ([]dbsqlc.TextClustersOfRow, error) {
		return q.TextClustersOf(ctx, ids)
	}, func(rows []dbsqlc.TextClustersOfRow) error {
		for _, r := range rows {
			existing[r.ComplaintID] = r.ClusterID
		}
		return nil
	})
	database.QueueRow(b, newQueries, func(q *dbsqlc.Queries) (string, error) { return q.SnapshotNow(ctx) }, func(s string) error {
		snapshot = s
		return nil
	})
	database.QueueRows(b, newQueries, func(q *dbsqlc.Queries) ([]dbsqlc.TextCandidatesRow, error) {
		return q.TextCandidates(ctx, dbsqlc.TextCandidatesParams{Bands: allBands, Lo: lo, Hi: hi, Own: ids, PerBand: candidatesPerBand})
	}, func(rows []dbsqlc.TextCandidatesRow) error {
		addCandidates(cands, rows)
		return nil
	})
	// The batch's own bands are indexed now too, holding no lock: no other
	// transaction sees them before this one commits, and the reads leave
	// the batch's own complaints out. A complaint indexed before keeps its
	// rows.
	if err := queued(b).InsertTextBands(ctx, dbsqlc.InsertTextBandsParams{Bands: bandVals, ComplaintIds: bandIDs, Received: bandAt}); err != nil {
		return err
	}
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
	if err := queueBandLocks(ctx, b, locks); err != nil {
		return err
	}
	database.QueueRows(b, newQueries, func(q *dbsqlc.Queries) ([]dbsqlc.TextDeltaRow, error) {
		return q.TextDelta(ctx, dbsqlc.TextDeltaParams{Bands: allBands, Lo: lo, Hi: hi, Own: ids, PerBand: candidatesPerBand, Snapshot: snapshot})
	}, func(rows []dbsqlc.TextDeltaRow) error {
		delta := make([]dbsqlc.TextCandidatesRow, len(rows))
		for i, r := range rows {
			delta[i] = dbsqlc.TextCandidatesRow(r)
		}
		addCandidates(cands, delta)
		return nil
	})
	if len(loose) > 0 {
		database.QueueRows(b, newQueries, func(q *dbsqlc.Queries) ([]dbsqlc.TextClustersOfRow, error) {
			return q.TextClustersOf(ctx, loose)
		}, func(rows []dbsqlc.TextClustersOfRow) error {
			for _, r := range rows {
				cands[r.ComplaintID].node.cluster = clusterRef{id: r.ClusterID}
			}
			return nil
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
	mIDs, mClusters, mKeys, mSims, mAt := []int64{}, []int64{}, []string{}, []float32{}, []time.Time{}
	for _, m := range plan.members {
		mIDs, mClusters, mKeys = append(mIDs, m.id), append(mClusters, m.cluster.id), append(mKeys, m.cluster.key)
		mSims, mAt = append(mSims, float32(m.similarity)), append(mAt, m.received)
	}
	var allIDs []int64
	for _, it := range items {
		if it.node.cluster.id != 0 {
			allIDs = append(allIDs, it.node.cluster.id)
		}
	}

	b := &pgx.Batch{}
	q := queued(b)
	if len(joinIDs) > 0 {
		if err := q.LockTextClusters(ctx, joinIDs); err != nil {
			return nil, err
		}
	}
	if len(keys) > 0 {
		if err := q.StartTextClusters(ctx, dbsqlc.StartTextClustersParams{Keys: keys, Labels: labels, Seen: seen}); err != nil {
			return nil, err
		}
	}
	if len(mIDs) > 0 {
		if err := q.AddTextMembers(ctx, dbsqlc.AddTextMembersParams{
			ClusterIds: mClusters, Keys: mKeys, ComplaintIds: mIDs, Similarities: mSims, Received: mAt,
		}); err != nil {
			return nil, err
		}
	}
	sizes := map[clusterRef][2]int64{}
	database.QueueRows(b, newQueries, func(q *dbsqlc.Queries) ([]dbsqlc.TextClusterSizesRow, error) {
		return q.TextClusterSizes(ctx, dbsqlc.TextClusterSizesParams{Ids: allIDs, Keys: keys})
	}, func(rows []dbsqlc.TextClusterSizesRow) error {
		for _, r := range rows {
			sizes[clusterRef{id: r.ID}] = [2]int64{r.ID, int64(r.Size)}
			sizes[clusterRef{key: r.Key}] = [2]int64{r.ID, int64(r.Size)}
		}
		return nil
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("text clusters: %w", err)
	}
	return sizes, nil
}

// firstWords is a short label for a text cluster: the start of the message.
func firstWords(text string, n int) string {
	w := words(text)
	if len(w) > n {
		w = append(w[:n:n], "…")
	}
	return strings.Join(w, " ")
}
