-- Clustering a batch of complaints by sender and by near-identical text
-- (see clusters.go and textclusters.go for the locking and the reasons
-- behind each step).

-- name: LiftBandLockWait :exec
-- Lets the band locks that follow wait up to @wait milliseconds, past the
-- pool's lock_timeout (see bandLockWait).
SELECT set_config('lock_timeout', @wait::text, true), set_config('statement_timeout', @wait::text, true);

-- name: LockBands :exec
-- Takes a transaction-scoped advisory lock on each key (text bands and
-- senders), in the order given: ascending, so two transactions never wait
-- on each other in a cycle.
SELECT pg_advisory_xact_lock(b) FROM unnest(@keys::bigint[]) AS u(b);

-- name: RestoreLockTimeout :exec
SET LOCAL lock_timeout TO DEFAULT;

-- name: RestoreStatementTimeout :exec
SET LOCAL statement_timeout TO DEFAULT;

-- name: SnapshotNow :one
-- The snapshot the candidate read sees (or an older one: it is taken just
-- before it, in the same transaction), so that the rows committed after it
-- can be told apart from those the read saw.
SELECT pg_current_snapshot()::text AS snapshot;

-- name: TextCandidates :many
-- For each band of a batch, the earliest complaints indexed under it
-- (@per_band at most) received within the batch's window, other than the
-- batch's own, with their message and text cluster (0 for none). One statement for the
-- whole batch; each band is one short range of the primary key, and each
-- complaint found one index lookup, so its cost does not grow with the
-- number of complaints sharing the band. Run before any advisory lock is
-- taken.
WITH q AS (SELECT DISTINCT band FROM unnest(@bands::bigint[]) AS u(band)),
hit AS (
    SELECT x.band, x.complaint_id, x.received_at FROM q CROSS JOIN LATERAL (
        SELECT b.band, b.complaint_id, b.received_at FROM complaint_text_bands b
        WHERE b.band = q.band AND b.received_at BETWEEN @lo::timestamptz AND @hi::timestamptz
            AND b.complaint_id <> ALL(@own::bigint[])
        ORDER BY b.complaint_id LIMIT @per_band) x),
found AS (SELECT complaint_id, min(received_at) AS received_at, array_agg(band) AS bands FROM hit GROUP BY complaint_id)
SELECT f.complaint_id::bigint AS complaint_id, f.received_at::timestamptz AS received_at, f.bands::bigint[] AS bands,
    c.message,
    coalesce((SELECT m.cluster_id FROM complaint_cluster_members m WHERE m.complaint_id = f.complaint_id AND m.kind = 'text'), 0)::bigint
        AS cluster_id
FROM found f JOIN complaints c ON c.id = f.complaint_id
ORDER BY f.complaint_id;

-- name: TextDelta :many
-- TextCandidates once the band locks are held, of only the rows committed
-- since @snapshot (SnapshotNow): those of the transactions the locks
-- waited for. Rows older than the snapshot's xmin were visible to it, so
-- the index on (band, inserted_by) reads only the few newer ones.
WITH q AS (SELECT DISTINCT band FROM unnest(@bands::bigint[]) AS u(band)),
hit AS (
    SELECT x.band, x.complaint_id, x.received_at FROM q CROSS JOIN LATERAL (
        SELECT b.band, b.complaint_id, b.received_at FROM complaint_text_bands b
        WHERE b.band = q.band AND b.received_at BETWEEN @lo::timestamptz AND @hi::timestamptz
            AND b.complaint_id <> ALL(@own::bigint[])
            AND b.inserted_by >= pg_snapshot_xmin(sqlc.arg(snapshot)::text::pg_snapshot)
            AND NOT pg_visible_in_snapshot(b.inserted_by, sqlc.arg(snapshot)::text::pg_snapshot)
        ORDER BY b.complaint_id LIMIT @per_band) x),
found AS (SELECT complaint_id, min(received_at) AS received_at, array_agg(band) AS bands FROM hit GROUP BY complaint_id)
SELECT f.complaint_id::bigint AS complaint_id, f.received_at::timestamptz AS received_at, f.bands::bigint[] AS bands,
    c.message,
    coalesce((SELECT m.cluster_id FROM complaint_cluster_members m WHERE m.complaint_id = f.complaint_id AND m.kind = 'text'), 0)::bigint
        AS cluster_id
FROM found f JOIN complaints c ON c.id = f.complaint_id
ORDER BY f.complaint_id;

-- name: TextClustersOf :many
-- The text clusters complaints belong to.
SELECT complaint_id, cluster_id FROM complaint_cluster_members WHERE complaint_id = ANY(@ids::bigint[]) AND kind = 'text';

-- name: InsertTextBands :exec
-- Indexes the batch's texts under their bands; a complaint indexed before
-- keeps its rows.
INSERT INTO complaint_text_bands (band, complaint_id, received_at)
SELECT u.band, u.complaint_id, u.received_at
FROM ROWS FROM (unnest(@bands::bigint[]), unnest(@complaint_ids::bigint[]), unnest(@received::timestamptz[]))
    AS u(band, complaint_id, received_at)
ON CONFLICT DO NOTHING;

-- name: LockTextClusters :exec
-- Locks the existing clusters a batch joins, in id order, before it starts
-- new ones, so two batches never wait on each other's cluster rows in a
-- cycle.
SELECT id FROM complaint_clusters WHERE id = ANY(@ids::bigint[]) ORDER BY id FOR NO KEY UPDATE;

-- name: StartTextClusters :exec
-- Starts the batch's new text clusters. Another batch starting the same
-- one (from the same first complaint) at the same moment makes this wait
-- for it and then share its cluster.
INSERT INTO complaint_clusters (kind, key, label, first_seen, last_seen)
SELECT 'text', k, l, s, s
FROM ROWS FROM (unnest(@keys::text[]), unnest(@labels::text[]), unnest(@seen::timestamptz[])) AS u(k, l, s) ORDER BY k
ON CONFLICT (kind, key) DO UPDATE SET updated_at = now();

-- name: AddTextMembers :exec
-- Adds the members and moves each cluster's size and first and last seen
-- by those actually added: recounting a cluster's members would cost as
-- much as the cluster is large, for every batch of a campaign. A member
-- already present (a repeat run) adds nothing. A member names an existing
-- cluster by id, or one the batch started by its key (cluster id 0).
WITH u AS (
    SELECT coalesce(k.id, u.cid) AS cluster_id, u.id, u.sim, u.r
    FROM ROWS FROM (unnest(@cluster_ids::bigint[]), unnest(@keys::text[]), unnest(@complaint_ids::bigint[]),
        unnest(@similarities::real[]), unnest(@received::timestamptz[]))
        AS u(cid, key, id, sim, r)
    LEFT JOIN complaint_clusters k ON k.kind = 'text' AND k.key = u.key AND u.cid = 0),
ins AS (
    INSERT INTO complaint_cluster_members (cluster_id, complaint_id, kind, similarity, received_at)
    SELECT cluster_id, id, 'text', sim, r FROM u
    ON CONFLICT DO NOTHING
    RETURNING cluster_id, received_at)
UPDATE complaint_clusters k SET size = k.size + a.n, first_seen = least(k.first_seen, a.first),
    last_seen = greatest(k.last_seen, a.last), updated_at = now()
FROM (SELECT cluster_id, count(*) AS n, min(received_at) AS first, max(received_at) AS last FROM ins GROUP BY cluster_id) a
WHERE k.id = a.cluster_id;

-- name: TextClusterSizes :many
-- The id, key and size of the clusters with the given ids, and of the text
-- clusters with the given keys.
SELECT id, key, size FROM complaint_clusters WHERE id = ANY(@ids::bigint[])
UNION ALL
SELECT id, key, size FROM complaint_clusters WHERE kind = 'text' AND key = ANY(@keys::text[]);

-- name: LeaveSenderClusters :exec
-- Takes complaints out of a sender cluster whose key is no longer their
-- sender's (a re-run after the normaliser changed), keeping the old
-- cluster's size right.
WITH gone AS (
    DELETE FROM complaint_cluster_members m USING complaint_clusters k,
        ROWS FROM (unnest(@complaint_ids::bigint[]), unnest(@keys::text[])) AS u(id, key)
    WHERE m.complaint_id = u.id AND m.kind = 'sender' AND k.id = m.cluster_id AND k.key <> u.key
    RETURNING m.cluster_id)
UPDATE complaint_clusters k SET size = k.size - g.n, updated_at = now()
FROM (SELECT cluster_id, count(*) AS n FROM gone GROUP BY cluster_id) g
WHERE k.id = g.cluster_id;

-- name: IndexSenders :exec
-- Indexes the complaints' senders; a complaint indexed before under
-- another sender moves to this one.
INSERT INTO complaint_senders (complaint_id, sender_key, received_at)
SELECT u.complaint_id, u.sender_key, u.received_at
FROM ROWS FROM (unnest(@complaint_ids::bigint[]), unnest(@keys::text[]), unnest(@received::timestamptz[]))
    AS u(complaint_id, sender_key, received_at)
ON CONFLICT (complaint_id) DO UPDATE SET sender_key = excluded.sender_key, received_at = excluded.received_at;

-- name: SenderCounts :many
-- For each complaint, the other complaints about its sender received in
-- the seven days before it, and whether there are any others at all.
SELECT u.id::bigint AS complaint_id,
    (SELECT count(*) FROM complaint_senders s
     WHERE s.sender_key = u.k AND s.complaint_id <> u.id
       AND s.received_at >= u.r - interval '7 days' AND s.received_at < u.r)::bigint AS same_sender_7d,
    EXISTS (SELECT 1 FROM complaint_senders s WHERE s.sender_key = u.k AND s.complaint_id <> u.id)::boolean AS has_others
FROM ROWS FROM (unnest(@complaint_ids::bigint[]), unnest(@keys::text[]), unnest(@received::timestamptz[])) AS u(id, k, r);

-- name: StartSenderClusters :exec
-- Starts (or touches) the sender clusters of the given senders.
INSERT INTO complaint_clusters (kind, key, label, first_seen, last_seen)
SELECT 'sender', k, k, r, r FROM ROWS FROM (unnest(@keys::text[]), unnest(@seen::timestamptz[])) AS u(k, r)
ON CONFLICT (kind, key) DO UPDATE SET updated_at = now();

-- name: AddSenderMembers :exec
-- Fills the sender clusters of @cluster_keys: a cluster started now takes
-- in every complaint about its sender, an existing one the batch's. Each
-- cluster's size and first and last seen move by the members actually
-- added, so a batch's cost does not grow with its clusters.
WITH ins AS (
    INSERT INTO complaint_cluster_members (cluster_id, complaint_id, kind, received_at)
    SELECT k.id, s.complaint_id, 'sender', s.received_at
    FROM complaint_clusters k JOIN complaint_senders s ON s.sender_key = k.key
    WHERE k.kind = 'sender' AND k.key = ANY(@cluster_keys::text[]) AND k.created_at = now()
    UNION ALL
    SELECT k.id, u.id, 'sender', u.r
    FROM ROWS FROM (unnest(@complaint_ids::bigint[]), unnest(@keys::text[]), unnest(@received::timestamptz[])) AS u(id, key, r)
    JOIN complaint_clusters k ON k.kind = 'sender' AND k.key = u.key
    WHERE u.key = ANY(@cluster_keys::text[])
    ON CONFLICT DO NOTHING
    RETURNING cluster_id, received_at)
UPDATE complaint_clusters k SET size = k.size + a.n, first_seen = least(k.first_seen, a.first),
    last_seen = greatest(k.last_seen, a.last), updated_at = now()
FROM (SELECT cluster_id, count(*) AS n, min(received_at) AS first, max(received_at) AS last FROM ins GROUP BY cluster_id) a
WHERE k.id = a.cluster_id;

-- name: SenderClusters :many
SELECT key, id, size FROM complaint_clusters WHERE kind = 'sender' AND key = ANY(@keys::text[]);

-- name: ClusterRecent :many
-- For the batch's clusters, how many members were received at each time
-- within the batch's counting window: one range of the (cluster,
-- received_at) index per cluster, however large it is.
SELECT cluster_id, received_at, count(*) AS n FROM complaint_cluster_members
WHERE cluster_id = ANY(@cluster_ids::bigint[]) AND received_at >= sqlc.arg(lo)::timestamptz - interval '7 days' AND received_at < @hi::timestamptz
GROUP BY cluster_id, received_at
ORDER BY cluster_id, received_at;
