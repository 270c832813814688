-- The daily digest.

-- name: CampaignElections :many
-- The elections in their campaign phase on @day: from announcement to
-- polling day, inclusive.
SELECT id, name, polling_day FROM elections
WHERE @day::date BETWEEN announced_on AND polling_day
ORDER BY polling_day, id;

-- name: DigestWritten :one
SELECT EXISTS (SELECT 1 FROM sent_digests WHERE election_id = @election_id AND digest_date = @digest_date)::boolean AS written;

-- name: InsertDigest :one
-- The unique key makes a concurrent run's insert do nothing (no row): only
-- the run that wrote the row queues the messages.
INSERT INTO sent_digests (election_id, digest_date, subject, body) VALUES (@election_id, @digest_date, @subject, @body)
ON CONFLICT (election_id, digest_date) DO NOTHING RETURNING id;

-- name: NewComplaintsByPartyAndChannel :many
-- The election's new complaints in the 24 hours to @now by party and
-- channel, most first: a complaint counts under every channel its current
-- triage result reports (the stated one until triaged), so the lines can
-- add up to more than NewComplaintsCount. Complaints whose current result
-- is out of scope are not listed under a party (NewOutOfScopeCount counts
-- them).
SELECT coalesce(p.name, 'Party not identified')::text AS party, ch::text AS channel, count(*) AS n
FROM complaints c
LEFT JOIN parties p ON p.id = c.party_id
CROSS JOIN LATERAL unnest(coalesce((SELECT CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current), ARRAY[c.channel])) AS ch
WHERE c.election_id = @election_id::bigint AND c.duplicate_of_id IS NULL AND c.created_at > sqlc.arg(now)::timestamptz - interval '24 hours'
    AND c.created_at <= sqlc.arg(now)::timestamptz
    AND NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2;

-- name: NewOutOfScopeCount :one
-- The election's new complaints in the 24 hours to @now whose current
-- triage result is out of scope (referred to another body), each once.
SELECT count(*) AS n FROM complaints c
WHERE c.election_id = @election_id::bigint AND c.duplicate_of_id IS NULL AND c.created_at > sqlc.arg(now)::timestamptz - interval '24 hours'
    AND c.created_at <= sqlc.arg(now)::timestamptz
    AND EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope);

-- name: NewComplaintsCount :one
-- The election's new complaints in the 24 hours to @now, each once.
SELECT count(*) AS n FROM complaints c
WHERE c.election_id = @election_id::bigint AND c.duplicate_of_id IS NULL AND c.created_at > sqlc.arg(now)::timestamptz - interval '24 hours'
    AND c.created_at <= sqlc.arg(now)::timestamptz;

-- name: OpenUrgentComplaints :many
-- The election's urgent complaints still open, newest first: one more
-- than the digest lists, so it can say there are more.
SELECT c.reference, coalesce(p.name, 'Party not identified')::text AS party, coalesce(t.channel, c.channel)::text AS channel
FROM complaints c
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
WHERE c.election_id = @election_id::bigint AND c.priority = 'urgent' AND c.status <> 'closed'
ORDER BY c.received_at DESC LIMIT 26;

-- name: OpenElectionAlerts :many
SELECT p.name AS party, a.channel, a.count_24h, a.created_at FROM alerts a JOIN parties p ON p.id = a.party_id
WHERE a.election_id = @election_id AND a.status = 'open' ORDER BY a.created_at DESC;
