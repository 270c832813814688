-- The staff dashboard's figures: a fixed handful of aggregates, whatever
-- the number of elections.

-- name: LondonToday :one
SELECT (now() AT TIME ZONE 'Europe/London')::date AS today;

-- name: DashboardElections :many
SELECT id, name, type, nations, announced_on, polling_day, follow_up_days, regulated_from
FROM elections
WHERE @today::date BETWEEN announced_on AND polling_day + follow_up_days
  AND (@election_id::bigint = 0 OR id = @election_id) AND (@nation::text = '' OR @nation = ANY(nations))
ORDER BY polling_day, id;

-- name: DashboardLetters :many
SELECT election_id::bigint AS election_id, state, count(*) AS n FROM letters WHERE election_id = ANY(@election_ids::bigint[]) GROUP BY 1, 2;

-- name: DashboardDaily :many
-- Each day's complaints by channel, a complaint counted once for each
-- channel it reports (its current triage result's, or the stated channel
-- while it has none), and (channel empty) each day's complaints, each
-- counted once.
SELECT c.election_id::bigint AS election_id, (c.received_at AT TIME ZONE 'Europe/London')::date AS day,
    (CASE WHEN grouping(ch) = 0 THEN ch ELSE '' END)::text AS channel, count(DISTINCT c.id) AS n
FROM complaints c
CROSS JOIN LATERAL unnest(coalesce((SELECT CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current), ARRAY[c.channel])) AS ch
WHERE c.election_id = ANY(@election_ids::bigint[]) GROUP BY GROUPING SETS ((1, 2, ch), (1, 2));

-- name: DashboardTopParties :many
SELECT election_id, party_id, party, n FROM (
    SELECT c.election_id::bigint AS election_id, coalesce(c.party_id, 0)::bigint AS party_id, coalesce(p.name, @no_party::text)::text AS party, count(*) AS n,
        row_number() OVER (PARTITION BY c.election_id ORDER BY count(*) DESC, coalesce(p.name, @no_party::text)) AS rank
    FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
    WHERE c.election_id = ANY(@election_ids::bigint[]) GROUP BY 1, 2, 3) t
WHERE rank <= @shown::int ORDER BY election_id, rank;

-- name: DashboardUrgentOpen :many
SELECT election_id::bigint AS election_id, count(*) AS n FROM complaints
WHERE election_id = ANY(@election_ids::bigint[]) AND priority = 'urgent' AND status <> 'closed' GROUP BY 1;

-- name: DashboardUrgentQueue :many
-- With no filter every open urgent complaint (one outside any election is
-- still urgent); with a filter, those of the elections shown.
SELECT c.reference, c.election_id, coalesce(p.name, nullif(c.party_text, ''), @no_party::text)::text AS party, c.channel, c.received_at, c.received_at_has_time, c.status,
    coalesce((SELECT CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END
        FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current), ARRAY[c.channel])::text[] AS channels
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
WHERE c.priority = 'urgent' AND c.status <> 'closed' AND (NOT @filtered::boolean OR c.election_id = ANY(@election_ids::bigint[]))
ORDER BY c.received_at, c.id LIMIT @shown::int;
