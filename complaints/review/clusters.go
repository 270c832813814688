package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// lockBands takes a transaction-scoped advisory lock on each of a
// complaint's text bands, in ascending order so two transactions never
// wait on each other in a cycle. Two complaints can only be compared if
// they share a band (that is how candidates are found), so two
// near-identical complaints triaged at the same moment queue on their
// shared band and the second sees the first: they cannot each start a
// cluster of their own. Unrelated texts no longer wait for each other, as
// they did under one global lock that capped triage throughput.
const lockBands = `SELECT pg_advisory_xact_lock(b) FROM unnest($1::bigint[]) AS u(b)`

// placeholderSenders are what people type when there was no sender to
// see; grouping on them would make one meaningless giant cluster.
var placeholderSenders = map[string]bool{
	"withheld": true, "unknown": true, "private": true, "privatenumber": true, "private number": true,
	"no caller id": true, "nocallerid": true, "anonymous": true, "n/a": true, "na": true, "none": true,
	"not known": true, "dont know": true, "don't know": true, "unsure": true, "-": true,
}

// clusterInput is what clustering needs to know about one complaint.
type clusterInput struct {
	ID         int64
	SenderKey  string // normalised by the triage engine; "" when none
	ReceivedAt time.Time
	Message    string
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

// clusterTx indexes the complaint's sender and text and puts it into (or
// forms) its sender and text clusters, in tx. It is idempotent: running it
// again for the same complaint changes nothing.
func clusterTx(ctx context.Context, tx pgx.Tx, in clusterInput) (clusterOutcome, error) {
	var out clusterOutcome
	if in.SenderKey != "" && !placeholderSenders[in.SenderKey] {
		if err := senderClusterTx(ctx, tx, in, &out); err != nil {
			return out, fmt.Errorf("sender cluster: %w", err)
		}
	}
	if err := textClusterTx(ctx, tx, in, &out); err != nil {
		return out, fmt.Errorf("text cluster: %w", err)
	}
	return out, nil
}

const sameSenderCount = `
SELECT count(*) FROM complaint_senders
WHERE sender_key = $1 AND complaint_id <> $2
  AND received_at >= $3::timestamptz - interval '7 days' AND received_at < $3`

func senderClusterTx(ctx context.Context, tx pgx.Tx, in clusterInput, out *clusterOutcome) error {
	// Serialise complaints about one sender so the first two always see
	// each other and form the cluster together.
	// The four statements go in one round trip (a pipelined batch, run in
	// order, each seeing the ones before): a triage job's time is mostly
	// round trips.
	var others bool
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock($1)`, senderLock(in.SenderKey))
	b.Queue(`
INSERT INTO complaint_senders (complaint_id, sender_key, received_at) VALUES ($1, $2, $3)
ON CONFLICT (complaint_id) DO UPDATE SET sender_key = excluded.sender_key, received_at = excluded.received_at`,
		in.ID, in.SenderKey, in.ReceivedAt)
	b.Queue(sameSenderCount, in.SenderKey, in.ID, in.ReceivedAt).QueryRow(func(r pgx.Row) error { return r.Scan(&out.SameSender7d) })
	b.Queue(`SELECT EXISTS (SELECT 1 FROM complaint_senders WHERE sender_key = $1 AND complaint_id <> $2)`,
		in.SenderKey, in.ID).QueryRow(func(r pgx.Row) error { return r.Scan(&others) })
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if !others {
		return nil
	}
	// A complaint that moved to another sender (a re-run with a changed
	// normaliser) leaves its old sender cluster.
	if err := leaveClusterTx(ctx, tx, in.ID, ClusterSender, in.SenderKey); err != nil {
		return err
	}
	var id int64
	var created bool
	if err := tx.QueryRow(ctx, `
INSERT INTO complaint_clusters (kind, key, label, first_seen, last_seen) VALUES ('sender', $1, $1, $2, $2)
ON CONFLICT (kind, key) DO UPDATE SET updated_at = now()
RETURNING id, xmax = 0`, in.SenderKey, in.ReceivedAt).Scan(&id, &created); err != nil {
		return err
	}
	if created {
		if _, err := tx.Exec(ctx, `
INSERT INTO complaint_cluster_members (cluster_id, complaint_id, kind)
SELECT $1, complaint_id, 'sender' FROM complaint_senders WHERE sender_key = $2
ON CONFLICT DO NOTHING`, id, in.SenderKey); err != nil {
			return err
		}
	} else if _, err := tx.Exec(ctx, `
INSERT INTO complaint_cluster_members (cluster_id, complaint_id, kind) VALUES ($1, $2, 'sender')
ON CONFLICT DO NOTHING`, id, in.ID); err != nil {
		return err
	}
	size, err := refreshClusterTx(ctx, tx, id)
	if err != nil {
		return err
	}
	out.SenderClusterID = &id
	out.Size = max(out.Size, size)
	return nil
}

// leaveClusterTx removes the complaint from a cluster of kind whose key is
// not key, keeping the old cluster's figures right.
func leaveClusterTx(ctx context.Context, tx pgx.Tx, complaintID int64, kind, key string) error {
	var old int64
	err := tx.QueryRow(ctx, `
DELETE FROM complaint_cluster_members m USING complaint_clusters c
WHERE m.cluster_id = c.id AND m.complaint_id = $1 AND m.kind = $2 AND c.key <> $3
RETURNING m.cluster_id`, complaintID, kind, key).Scan(&old)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = refreshClusterTx(ctx, tx, old)
	return err
}

// refreshClusterTx recomputes a cluster's size and first and last seen
// from its members, and returns the size.
func refreshClusterTx(ctx context.Context, tx pgx.Tx, id int64) (int, error) {
	var size int
	err := tx.QueryRow(ctx, `
UPDATE complaint_clusters k SET size = s.n, first_seen = coalesce(s.first, k.first_seen),
    last_seen = coalesce(s.last, k.last_seen), updated_at = now()
FROM (SELECT count(*) AS n, min(c.received_at) AS first, max(c.received_at) AS last
      FROM complaint_cluster_members m JOIN complaints c ON c.id = m.complaint_id
      WHERE m.cluster_id = $1) s
WHERE k.id = $1
RETURNING k.size`, id).Scan(&size)
	return size, err
}

const textCandidates = `
SELECT DISTINCT ON (b.complaint_id) b.complaint_id, c.message, m.cluster_id
FROM complaint_text_bands b
JOIN complaints c ON c.id = b.complaint_id
LEFT JOIN complaint_cluster_members m ON m.complaint_id = b.complaint_id AND m.kind = 'text'
WHERE b.band = ANY($1) AND b.complaint_id <> $2
  AND b.received_at BETWEEN $3::timestamptz - $4::interval AND $3::timestamptz + $4::interval
ORDER BY b.complaint_id
LIMIT 500`

func textClusterTx(ctx context.Context, tx pgx.Tx, in clusterInput, out *clusterOutcome) error {
	set := Shingles(in.Message)
	if len(set) == 0 {
		return nil
	}
	type candidate struct {
		id      int64
		message string
		cluster *int64
	}
	// One round trip: the complaint's text cluster if it has one already,
	// the locks on its bands, then the candidates sharing a band.
	var existing *int64
	var existingSize int
	var cands []candidate
	bandHashes := Bands(set)
	sorted := slices.Clone(bandHashes)
	slices.Sort(sorted)
	b := &pgx.Batch{}
	b.Queue(`SELECT m.cluster_id, k.size FROM complaint_cluster_members m JOIN complaint_clusters k ON k.id = m.cluster_id
WHERE m.complaint_id = $1 AND m.kind = 'text'`, in.ID).QueryRow(func(r pgx.Row) error {
		if err := r.Scan(&existing, &existingSize); err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		return nil
	})
	b.Queue(lockBands, slices.Compact(sorted))
	b.Queue(textCandidates, bandHashes, in.ID, in.ReceivedAt, TextWindow.String()).Query(func(rows pgx.Rows) error {
		var err error
		cands, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (candidate, error) {
			var c candidate
			err := r.Scan(&c.id, &c.message, &c.cluster)
			return c, err
		})
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	if existing != nil {
		// Message text never changes, so neither does its text cluster.
		out.TextClusterID, out.Size = existing, max(out.Size, existingSize)
		return nil
	}
	var best *candidate
	bestSim := 0.0
	for i := range cands {
		sim := Jaccard(set, Shingles(cands[i].message))
		if sim < SimilarityThreshold {
			continue
		}
		// Prefer joining an existing cluster over starting one, then
		// the closest match.
		better := best == nil ||
			(cands[i].cluster != nil && best.cluster == nil) ||
			((cands[i].cluster != nil) == (best.cluster != nil) && sim > bestSim)
		if better {
			best, bestSim = &cands[i], sim
		}
	}
	const insertBands = `
INSERT INTO complaint_text_bands (band, complaint_id, received_at)
SELECT unnest($1::bigint[]), $2, $3 ON CONFLICT DO NOTHING`
	if best == nil {
		_, err := tx.Exec(ctx, insertBands, bandHashes, in.ID, in.ReceivedAt)
		return err
	}
	var id int64
	var size int
	if best.cluster != nil {
		// Joining a cluster adds one member: counting all of them again
		// would cost as much as the cluster is large, for every complaint
		// of a campaign. The row lock orders concurrent joiners; a repeat
		// run adds nothing.
		id = *best.cluster
		b := &pgx.Batch{}
		b.Queue(insertBands, bandHashes, in.ID, in.ReceivedAt)
		b.Queue(`
WITH m AS (
    INSERT INTO complaint_cluster_members (cluster_id, complaint_id, kind, similarity) VALUES ($1, $2, 'text', $3)
    ON CONFLICT DO NOTHING RETURNING 1)
UPDATE complaint_clusters SET size = size + (SELECT count(*) FROM m), first_seen = least(first_seen, $4),
    last_seen = greatest(last_seen, $4), updated_at = now()
WHERE id = $1 RETURNING size`, id, in.ID, bestSim, in.ReceivedAt).QueryRow(func(r pgx.Row) error { return r.Scan(&size) })
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
	} else {
		if _, err := tx.Exec(ctx, insertBands, bandHashes, in.ID, in.ReceivedAt); err != nil {
			return err
		}
		// Another complaint sharing a band with best but not with this one
		// may be starting the same cluster now: the conflict makes this
		// transaction wait for it and then join its cluster.
		label := firstWords(best.message, 12)
		if err := tx.QueryRow(ctx, `
INSERT INTO complaint_clusters (kind, key, label, first_seen, last_seen) VALUES ('text', $1, $2, $3, $3)
ON CONFLICT (kind, key) DO UPDATE SET updated_at = now()
RETURNING id`, fmt.Sprintf("text:%d", best.id), label, in.ReceivedAt).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
INSERT INTO complaint_cluster_members (cluster_id, complaint_id, kind, similarity) VALUES ($1, $2, 'text', 1), ($1, $3, 'text', $4)
ON CONFLICT DO NOTHING`, id, best.id, in.ID, bestSim); err != nil {
			return err
		}
		var err error
		if size, err = refreshClusterTx(ctx, tx, id); err != nil {
			return err
		}
	}
	out.TextClusterID, out.Size = &id, max(out.Size, size)
	return nil
}

// firstWords is a short label for a text cluster: the start of the message.
func firstWords(text string, n int) string {
	w := words(text)
	if len(w) > n {
		w = append(w[:n:n], "…")
	}
	s := ""
	for i, x := range w {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}
