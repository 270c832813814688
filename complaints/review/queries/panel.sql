-- The staff pages' reads: the triage panel of a complaint, clusters and
-- the officers complaints can be given to.

-- name: ComplaintPanel :one
SELECT c.id, c.reference, c.channel, coalesce(p.name, c.party_text)::text AS party, coalesce(e.name, '')::text AS election,
    c.received_at, c.received_at_has_time, c.sender, c.message, c.description, c.consent, c.status, coalesce(c.priority, '')::text AS priority,
    r.assigned_to, coalesce(u.email, '')::text AS assignee, coalesce(r.outcome, '')::text AS outcome
FROM complaints c
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN elections e ON e.id = c.election_id
LEFT JOIN complaint_reviews r ON r.complaint_id = c.id
LEFT JOIN staff_users u ON u.id = r.assigned_to
WHERE c.reference = @reference;

-- name: ComplaintResults :many
-- Every triage result of a complaint, newest first.
SELECT id, rulebook_version, rulebook_hash, channel, channels, provisions, guidance, score, priority, actions,
    rationale, context, is_current, created_at, out_of_scope, referral
FROM triage_results WHERE complaint_id = @complaint_id ORDER BY id DESC;

-- name: ComplaintDecisions :many
SELECT x.id, x.triage_result_id, x.kind, x.original_priority, x.original_provisions, x.priority, x.provisions,
    x.reason, coalesce(u.email, '')::text AS decided_by, x.created_at
FROM triage_decisions x LEFT JOIN staff_users u ON u.id = x.decided_by
WHERE x.complaint_id = @complaint_id ORDER BY x.id DESC;

-- name: ComplaintClusters :many
SELECT k.id, k.kind, k.label, k.size FROM complaint_cluster_members m JOIN complaint_clusters k ON k.id = m.cluster_id
WHERE m.complaint_id = @complaint_id ORDER BY k.kind;

-- name: Officers :many
-- The active triage officers and administrators.
SELECT id, email FROM staff_users
WHERE disabled_at IS NULL AND role IN ('triage_officer', 'admin') ORDER BY email;

-- name: Clusters :many
-- Clusters with at least @min_size members, most recently active first.
SELECT id, kind, label, size, first_seen, last_seen FROM complaint_clusters
WHERE size >= @min_size::bigint ORDER BY last_seen DESC, id DESC LIMIT @max_rows;

-- name: Cluster :one
SELECT id, kind, key, label, size, first_seen, last_seen FROM complaint_clusters WHERE id = @id;

-- name: ClusterPerDay :many
-- How many of the cluster's complaints were received on each UK day.
SELECT (c.received_at AT TIME ZONE 'Europe/London')::date AS day, count(*) AS n
FROM complaint_cluster_members m JOIN complaints c ON c.id = m.complaint_id
WHERE m.cluster_id = @cluster_id GROUP BY 1 ORDER BY 1;

-- name: ClusterParties :many
SELECT coalesce(p.name, nullif(c.party_text, ''), 'Not identified')::text AS name, count(*) AS n
FROM complaint_cluster_members m JOIN complaints c ON c.id = m.complaint_id LEFT JOIN parties p ON p.id = c.party_id
WHERE m.cluster_id = @cluster_id GROUP BY 1 ORDER BY 2 DESC, 1;

-- name: ClusterChannels :many
-- The cluster's complaints by channel, each counted under every channel
-- its current triage result reports (the stated one until triaged).
SELECT ch::text AS name, count(*) AS n
FROM complaint_cluster_members m JOIN complaints c ON c.id = m.complaint_id
CROSS JOIN LATERAL unnest(coalesce((SELECT CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current), ARRAY[c.channel])) AS ch
WHERE m.cluster_id = @cluster_id GROUP BY 1 ORDER BY 2 DESC, 1;
