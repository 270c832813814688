-- Surge alerts and the messages to the political team.

-- name: Surges :many
-- For every active election, party and channel, the complaints of the 24
-- hours to @now and the daily mean of the seven days before, keeping those
-- over both thresholds. A complaint counts under every channel its current
-- triage result reports, or under the one stated until it is triaged. A
-- complaint linked as a repeat of another is not counted again, and one
-- whose current result is out of scope (a scam text pretending to be the
-- party, referred to Action Fraud) is not the party's, in the last 24 hours
-- or the baseline.
WITH active AS (
    SELECT id FROM elections
    WHERE (sqlc.arg(now)::timestamptz AT TIME ZONE 'Europe/London')::date BETWEEN announced_on AND polling_day + follow_up_days
), counts AS (
    SELECT c.election_id, c.party_id, ch AS channel,
        count(*) FILTER (WHERE c.received_at > sqlc.arg(now)::timestamptz - interval '24 hours') AS recent,
        count(*) FILTER (WHERE c.received_at <= sqlc.arg(now)::timestamptz - interval '24 hours') AS prior
    FROM complaints c
    CROSS JOIN LATERAL unnest(coalesce((SELECT CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current), ARRAY[c.channel])) AS ch
    WHERE c.election_id IN (SELECT id FROM active) AND c.party_id IS NOT NULL AND c.duplicate_of_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)
      AND c.received_at > sqlc.arg(now)::timestamptz - interval '8 days' AND c.received_at <= sqlc.arg(now)::timestamptz
    GROUP BY 1, 2, 3
)
SELECT election_id::bigint AS election_id, party_id::bigint AS party_id, channel::text AS channel,
    recent::bigint AS recent, (prior / 7.0)::float8 AS mean
FROM counts
WHERE recent >= @min_count::bigint AND recent >= sqlc.arg(factor)::numeric * (prior / 7.0)
ORDER BY election_id, party_id, channel;

-- name: LockAlertKey :exec
-- One check at a time per party and channel (@key), so two overlapping
-- runs cannot both find no recent alert and both raise one.
SELECT pg_advisory_xact_lock(hashtextextended(@key::text, 0));

-- name: CoolingDown :one
-- Whether an alert was raised for the party and channel within @cooldown
-- of @now.
SELECT EXISTS (
    SELECT 1 FROM alerts
    WHERE party_id = @party_id::bigint AND channel = @channel::text AND created_at > sqlc.arg(now)::timestamptz - sqlc.arg(cooldown)::text::interval
)::boolean AS cooling;

-- name: InsertAlert :one
INSERT INTO alerts (election_id, party_id, channel, window_start, window_end, count_24h, mean_7d, min_count, factor, created_at)
VALUES (@election_id::bigint, @party_id::bigint, @channel, @window_start, @window_end, @count_24h,
    round(@mean_7d::numeric, 2), @min_count, @factor, @created_at)
RETURNING id, (SELECT name FROM elections WHERE id = @election_id::bigint)::text AS election,
    (SELECT name FROM parties WHERE id = @party_id::bigint)::text AS party;

-- name: NotifyTeam :many
-- Writes one message per active member of the political team; a message
-- already written for the same alert or digest is not written again.
INSERT INTO team_notifications (kind, ref_id, user_id, email, subject, body)
SELECT @kind::text, @ref_id::bigint, id, email, @subject::text, @body::text FROM staff_users
WHERE role = 'political_team' AND disabled_at IS NULL
ON CONFLICT (kind, ref_id, user_id) DO NOTHING
RETURNING id;

-- name: LockNotification :one
SELECT kind, email, subject, body, sent_at FROM team_notifications WHERE id = @id FOR UPDATE;

-- name: MarkNotificationSent :exec
UPDATE team_notifications SET sent_at = now() WHERE id = @id;

-- name: ListAlerts :many
-- The latest alerts (only the open ones with @open_only), open first,
-- newest first.
SELECT a.id, a.election_id, e.name AS election, a.party_id, p.name AS party, a.channel, a.window_start, a.window_end,
    a.count_24h, a.mean_7d::float8 AS mean_7d, a.status, a.created_at, a.closed_at
FROM alerts a JOIN elections e ON e.id = a.election_id JOIN parties p ON p.id = a.party_id
WHERE NOT @open_only::boolean OR a.status = 'open'
ORDER BY a.status = 'open' DESC, a.created_at DESC LIMIT @max_rows;

-- name: CloseAlert :execrows
UPDATE alerts SET status = 'closed', closed_at = now(), closed_by = @closed_by WHERE id = @id AND status = 'open';
