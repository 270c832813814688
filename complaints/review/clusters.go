package review

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// Cluster kinds.
const (
	ClusterSender = "sender"
	ClusterText   = "text"
)

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

// clusterBatchTx is the one clustering path: it indexes and clusters the
// complaints, set-based, and counts their recent cluster members. A
// complaint triaged on its own (Pipeline.Triage) is a batch of one.
//
// The text candidates are read holding no advisory lock; then every lock
// the batch's clustering needs (its senders and text bands) is taken in
// one statement, in ascending order, so batches sharing a sender or a
// band serialise without deadlocking (textClustersTx). Texts are compared
// in id order, so each sees the ones before it; counts are taken once the
// whole batch is indexed, so a complaint counts every other complaint
// received in the week before it, whatever order they were triaged in.
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

// Advisory locks (the query LockBands) on text bands and senders are taken
// in ascending order so two transactions never wait on each other in a
// cycle. Two complaints can only be compared if they share a band (that is
// how candidates are found), so two near-identical complaints triaged at
// the same moment queue on their shared band and the second sees the
// first: they cannot each start a cluster of their own. Unrelated texts do
// not wait for each other.
//
// Under a surge of one text every batch queues on the same bands, so a
// batch may wait for several others to commit: far longer than the pool's
// lock_timeout (DB_LOCK_TIMEOUT, 5s), which is meant for requests. Failing
// there would send the job into backoff and the batch to the back of the
// queue, working against the surge. So the band locks alone may wait up to
// bandLockWait, bounded by the job's own deadline; the statement and lock
// timeouts are back to the pool's for the rest of the transaction.
const bandLockWait = 30 * time.Second

// queueBandLocks queues on b the band locks keys, allowed to wait as
// explained at bandLockWait, in the same round trip as the rest of b.
func queueBandLocks(ctx context.Context, b *pgx.Batch, keys []int64) error {
	wait := bandLockWait
	if dl, ok := ctx.Deadline(); ok {
		wait = max(min(wait, time.Until(dl)), time.Millisecond)
	}
	q := queued(b)
	if err := q.LiftBandLockWait(ctx, strconv.FormatInt(wait.Milliseconds(), 10)); err != nil {
		return err
	}
	if err := q.LockBands(ctx, keys); err != nil {
		return err
	}
	if err := q.RestoreLockTimeout(ctx); err != nil {
		return err
	}
	return q.RestoreStatementTimeout(ctx)
}

// placeholderSenders are what people type when there was no sender to
// see; grouping on them would make one meaningless giant cluster.
var placeholderSenders = map[string]bool{
	"withheld": true, "unknown": true, "private": true, "privatenumber": true, "private number": true,
	"no caller id": true, "nocallerid": true, "anonymous": true, "n/a": true, "na": true, "none": true,
	"not known": true, "dont know": true, "don't know": true, "unsure": true, "-": true,
}

// senderLock is the advisory lock key that serialises the clustering of
// complaints about one sender, so the first two always see each other.
func senderLock(key string) int64 {
	h := fnv.New64a()
	h.Write([]byte("sender:"))
	h.Write([]byte(key))
	return int64(h.Sum64())
}

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
	q := queued(b)
	if err := q.LeaveSenderClusters(ctx, dbsqlc.LeaveSenderClustersParams{ComplaintIds: ids, Keys: keys}); err != nil {
		return err
	}
	if err := q.IndexSenders(ctx, dbsqlc.IndexSendersParams{ComplaintIds: ids, Keys: keys, Received: received}); err != nil {
		return err
	}
	database.QueueRows(b, newQueries, func(q *dbsqlc.Queries) ([]dbsqlc.SenderCountsRow, error) {
		return q.SenderCounts(ctx, dbsqlc.SenderCountsParams{ComplaintIds: ids, Keys: keys, Received: received})
	}, func(counts []dbsqlc.SenderCountsRow) error {
		for _, c := range counts {
			sc := byID[c.ComplaintID]
			sc.cl.SameSender7d = int(c.SameSender7d)
			if c.HasOthers {
				others[sc.senderKey] = sc.received
			}
		}
		return nil
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
	q = queued(b)
	if err := q.StartSenderClusters(ctx, dbsqlc.StartSenderClustersParams{Keys: ckeys, Seen: seen}); err != nil {
		return err
	}
	if err := q.AddSenderMembers(ctx, dbsqlc.AddSenderMembersParams{ClusterKeys: ckeys, ComplaintIds: ids, Keys: keys, Received: received}); err != nil {
		return err
	}
	database.QueueRows(b, newQueries, func(q *dbsqlc.Queries) ([]dbsqlc.SenderClustersRow, error) {
		return q.SenderClusters(ctx, ckeys)
	}, func(rows []dbsqlc.SenderClustersRow) error {
		for _, r := range rows {
			clusters[r.Key] = [2]int64{r.ID, int64(r.Size)}
		}
		return nil
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

// clusterRecentTx sets each complaint's recent count: the other members
// of its clusters received in the seven days before it (the larger of its
// two clusters). A campaign sending one text from many numbers is as much
// "the same sender" as one number sending many.
//
// It reads, for the batch's clusters, how many members were received at
// each time within the batch's counting window (ClusterRecent: one range
// of the (cluster, received_at) index per cluster, however large it is),
// and sums each complaint's count from that.
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
	rows, err := dbsqlc.New(tx).ClusterRecent(ctx, dbsqlc.ClusterRecentParams{ClusterIds: clusterIDs, Lo: lo, Hi: hi})
	if err != nil {
		return fmt.Errorf("recent cluster members: %w", err)
	}
	for _, r := range rows {
		ms := marks[r.ClusterID]
		sum := int(r.N)
		if len(ms) > 0 {
			sum += ms[len(ms)-1].sum
		}
		marks[r.ClusterID] = append(ms, mark{r.ReceivedAt, sum})
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
