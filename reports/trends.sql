-- The report queries whose WHERE clause is the report's Filter (see
-- Filter.query): one election, or a date range, optionally some parties
-- and some channels. Complaints are aliased c, parties p; tr is each
-- complaint's current triage result and outcome its review outcome.
--
-- A complaint reports the channels of its current triage result (the
-- stated channel while it has none): counts by channel count it once for
-- each (ch is one of them, k its position in the list): a count by
-- channel is count(*), and a count of complaints takes only each one's
-- first channel (k = 1), so a total is never a sum of channel counts and
-- no query needs a DISTINCT over a million ids. The channels condition
-- selects complaints that report any of the channels asked for.

-- condition: election
c.election_id = @election_id

-- condition: from
c.received_at >= @from

-- condition: to
c.received_at < @to

-- condition: parties
c.party_id = ANY(@party_ids)

-- condition: channels
coalesce((SELECT CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current), ARRAY[c.channel]) && @channels::text[]

-- condition: in_scope
-- Leaves out complaints triage found out of scope (another body handles
-- them): a party's follow-up report does not charge them to the party.
NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)

-- condition: out_of_scope
-- Only the complaints triage found out of scope.
EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)

-- condition: touches
-- Complaints that touch one of a party's open audit recommendations:
-- triaged under one of the provisions it rests on (its own and its
-- area's), or reported through one of the channels that always touch its
-- area (a social media advert touches social media targeting).
(EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current
        AND t.provisions::text[] && @touch_provisions::text[])
    OR coalesce((SELECT CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END
        FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current), ARRAY[c.channel]) && @touch_channels::text[])

-- query: count_rows
SELECT count(*) FROM complaints c WHERE /*conditions*/

-- query: trend_totals
-- By priority ('' when none), with the repeats and the complaints not yet
-- triaged (no current triage result: an out-of-scope result has no
-- priority but is triaged, so priority alone would count it twice).
SELECT coalesce(c.priority, ''), count(*), count(*) FILTER (WHERE c.duplicate_of_id IS NOT NULL),
    count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current))
FROM complaints c WHERE /*conditions*/ GROUP BY 1

-- query: trend_channels
SELECT ch, count(*)
FROM complaints c LEFT JOIN triage_results tc ON tc.complaint_id = c.id AND tc.is_current
CROSS JOIN LATERAL unnest(CASE WHEN tc.id IS NULL THEN ARRAY[c.channel] WHEN cardinality(tc.channels) = 0 THEN ARRAY[tc.channel]
    ELSE tc.channels END) WITH ORDINALITY AS u(ch, k)
WHERE /*conditions*/ GROUP BY 1

-- query: trend_referrals
-- Out-of-scope complaints by the body they were referred to.
SELECT t.referral, count(*)
FROM complaints c JOIN triage_results t ON t.complaint_id = c.id AND t.is_current AND t.out_of_scope
WHERE /*conditions*/ GROUP BY 1 ORDER BY 2 DESC, 1

-- query: trend_status
SELECT c.status, count(*) FROM complaints c WHERE /*conditions*/ GROUP BY 1 ORDER BY 2 DESC, 1

-- query: trend_daily
-- Each day's complaints by channel, and (ch empty) the day's total.
SELECT (c.received_at AT TIME ZONE 'Europe/London')::date, CASE WHEN grouping(ch) = 0 THEN ch ELSE '' END,
    CASE WHEN grouping(ch) = 0 THEN count(*) ELSE count(*) FILTER (WHERE k = 1) END
FROM complaints c LEFT JOIN triage_results tc ON tc.complaint_id = c.id AND tc.is_current
CROSS JOIN LATERAL unnest(CASE WHEN tc.id IS NULL THEN ARRAY[c.channel] WHEN cardinality(tc.channels) = 0 THEN ARRAY[tc.channel]
    ELSE tc.channels END) WITH ORDINALITY AS u(ch, k)
WHERE /*conditions*/ GROUP BY GROUPING SETS ((1, ch), (1)) ORDER BY 1

-- query: trend_parties
-- Each party's complaints by channel, and (ch empty) the party's total.
SELECT coalesce(c.party_id, 0), coalesce(p.name, @no_party), CASE WHEN grouping(ch) = 0 THEN ch ELSE '' END,
    CASE WHEN grouping(ch) = 0 THEN count(*) ELSE count(*) FILTER (WHERE k = 1) END
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id LEFT JOIN triage_results tc ON tc.complaint_id = c.id AND tc.is_current
CROSS JOIN LATERAL unnest(CASE WHEN tc.id IS NULL THEN ARRAY[c.channel] WHEN cardinality(tc.channels) = 0 THEN ARRAY[tc.channel]
    ELSE tc.channels END) WITH ORDINALITY AS u(ch, k)
WHERE /*conditions*/ GROUP BY GROUPING SETS ((1, 2, ch), (1, 2))

-- query: trend_codes
SELECT k.kind, k.code, coalesce(p.name, @no_party), count(*)
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN LATERAL (SELECT t.provisions::text[] AS provisions, t.guidance::text[] AS guidance, t.rulebook_version::text AS rulebook_version
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current ORDER BY t.created_at DESC LIMIT 1) tr ON true
CROSS JOIN LATERAL (
    SELECT 'provision' AS kind, u AS code FROM unnest(tr.provisions) u
    UNION ALL SELECT 'guidance', u FROM unnest(tr.guidance) u) k
WHERE /*conditions*/ GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2

-- query: trend_versions
SELECT coalesce(array_agg(DISTINCT tr.rulebook_version ORDER BY tr.rulebook_version) FILTER (WHERE tr.rulebook_version IS NOT NULL), '{}')
FROM complaints c
LEFT JOIN LATERAL (SELECT t.provisions::text[] AS provisions, t.guidance::text[] AS guidance, t.rulebook_version::text AS rulebook_version
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current ORDER BY t.created_at DESC LIMIT 1) tr ON true
WHERE /*conditions*/

-- query: trend_clusters
SELECT c.sender_normalized, count(*) FILTER (WHERE k = 1),
    array_agg(DISTINCT coalesce(p.name, @no_party)), array_agg(DISTINCT ch),
    min(c.received_at), max(c.received_at)
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id LEFT JOIN triage_results tc ON tc.complaint_id = c.id AND tc.is_current
CROSS JOIN LATERAL unnest(CASE WHEN tc.id IS NULL THEN ARRAY[c.channel] WHEN cardinality(tc.channels) = 0 THEN ARRAY[tc.channel]
    ELSE tc.channels END) WITH ORDINALITY AS u(ch, k)
WHERE /*conditions*/ AND c.sender_normalized <> ''
GROUP BY 1 HAVING count(*) FILTER (WHERE k = 1) >= @cluster_min ORDER BY 2 DESC, 1 LIMIT 500

-- query: rows
-- The export's complaint rows without the complainant's words: the six
-- text columns stay empty.
SELECT c.reference, c.received_at, c.created_at, c.channel, coalesce(p.name, @no_party),
    c.sender_normalized, coalesce(tr.provisions, '{}'), coalesce(tr.guidance, '{}'),
    coalesce(c.priority, ''), c.status, coalesce((SELECT cr.outcome FROM complaint_reviews cr WHERE cr.complaint_id = c.id), ''),
    '', '', '', '', '', '', '',
    coalesce(tr.channels, ARRAY[c.channel]), coalesce(tr.referral, ''), c.received_at_has_time
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN LATERAL (SELECT t.provisions::text[] AS provisions, t.guidance::text[] AS guidance, t.rulebook_version::text AS rulebook_version,
        CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END AS channels, t.referral
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current ORDER BY t.created_at DESC LIMIT 1) tr ON true
WHERE /*conditions*/ ORDER BY c.received_at, c.id

-- query: rows_text
-- The export's complaint rows with the message, the description and the
-- complainant's details, which the caller redacts from them.
SELECT c.reference, c.received_at, c.created_at, c.channel, coalesce(p.name, @no_party),
    c.sender_normalized, coalesce(tr.provisions, '{}'), coalesce(tr.guidance, '{}'),
    coalesce(c.priority, ''), c.status, coalesce((SELECT cr.outcome FROM complaint_reviews cr WHERE cr.complaint_id = c.id), ''),
    c.message, c.description, coalesce(cp.name, ''), coalesce(cp.email, ''), coalesce(cp.phone, ''), coalesce(cp.postcode, ''),
    coalesce(cp.contacted, ''), coalesce(tr.channels, ARRAY[c.channel]), coalesce(tr.referral, ''), c.received_at_has_time
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id LEFT JOIN complainants cp ON cp.complaint_id = c.id
LEFT JOIN LATERAL (SELECT t.provisions::text[] AS provisions, t.guidance::text[] AS guidance, t.rulebook_version::text AS rulebook_version,
        CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END AS channels, t.referral
    FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current ORDER BY t.created_at DESC LIMIT 1) tr ON true
WHERE /*conditions*/ ORDER BY c.received_at, c.id

-- query: party_weeks
SELECT date_trunc('week', c.received_at AT TIME ZONE 'Europe/London')::date, count(*)
FROM complaints c WHERE /*conditions*/ GROUP BY 1 ORDER BY 1

-- query: party_outcomes
-- Closed complaints by their review outcome, open ones by status.
SELECT CASE WHEN c.status = 'closed'
        THEN coalesce(nullif(coalesce((SELECT cr.outcome FROM complaint_reviews cr WHERE cr.complaint_id = c.id), ''), ''), 'closed')
        ELSE c.status END, count(*)
FROM complaints c WHERE /*conditions*/ GROUP BY 1 ORDER BY 2 DESC, 1

-- query: party_examples
-- The most pressing complaints with a message, one per sender so the
-- examples are not copies of one campaign.
SELECT reference, channel, received_at, priority, message, name, email, phone, postcode, contacted FROM (
    SELECT DISTINCT ON (coalesce(nullif(c.sender_normalized, ''), c.reference)) c.reference, c.channel, c.received_at,
        coalesce(c.priority, '') AS priority, c.message, coalesce(cp.name, '') AS name, coalesce(cp.email, '') AS email,
        coalesce(cp.phone, '') AS phone, coalesce(cp.postcode, '') AS postcode, coalesce(cp.contacted, '') AS contacted,
        coalesce(array_position(@priorities::text[], c.priority), cardinality(@priorities::text[]) + 1) AS rank
    FROM complaints c LEFT JOIN complainants cp ON cp.complaint_id = c.id
    WHERE /*conditions*/ AND btrim(c.message) <> '' AND c.duplicate_of_id IS NULL AND c.anonymised_at IS NULL
    ORDER BY coalesce(nullif(c.sender_normalized, ''), c.reference), rank, c.received_at DESC) e
ORDER BY rank, received_at DESC, reference LIMIT @limit

-- query: group_counts
-- Complaints counted by the chosen dimensions (by_day ... by_status true),
-- the others left NULL so they do not split the groups, and sorted by the
-- chosen dimensions in the order asked for (sort1 ... sort6 name them;
-- unused ones are empty). By channel, a complaint counts once for each
-- channel it reports.
SELECT day, week, channel, party, priority, status, n FROM (
    SELECT
        CASE WHEN @by_day::boolean THEN to_char((c.received_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') END AS day,
        CASE WHEN @by_week::boolean THEN to_char(date_trunc('week', c.received_at AT TIME ZONE 'Europe/London')::date, 'YYYY-MM-DD') END AS week,
        CASE WHEN @by_channel::boolean THEN ch END AS channel,
        CASE WHEN @by_party::boolean THEN coalesce(p.name, @no_party) END AS party,
        CASE WHEN @by_priority::boolean THEN coalesce(c.priority, 'untriaged') END AS priority,
        CASE WHEN @by_status::boolean THEN c.status END AS status,
        count(*) FILTER (WHERE @by_channel::boolean OR k = 1) AS n
    FROM complaints c LEFT JOIN parties p ON p.id = c.party_id LEFT JOIN triage_results tc ON tc.complaint_id = c.id AND tc.is_current
CROSS JOIN LATERAL unnest(CASE WHEN tc.id IS NULL THEN ARRAY[c.channel] WHEN cardinality(tc.channels) = 0 THEN ARRAY[tc.channel]
    ELSE tc.channels END) WITH ORDINALITY AS u(ch, k)
    WHERE /*conditions*/
    GROUP BY 1, 2, 3, 4, 5, 6) g
ORDER BY
    CASE @sort1::text WHEN 'day' THEN day WHEN 'week' THEN week WHEN 'channel' THEN channel WHEN 'party' THEN party WHEN 'priority' THEN priority WHEN 'status' THEN status END,
    CASE @sort2::text WHEN 'day' THEN day WHEN 'week' THEN week WHEN 'channel' THEN channel WHEN 'party' THEN party WHEN 'priority' THEN priority WHEN 'status' THEN status END,
    CASE @sort3::text WHEN 'day' THEN day WHEN 'week' THEN week WHEN 'channel' THEN channel WHEN 'party' THEN party WHEN 'priority' THEN priority WHEN 'status' THEN status END,
    CASE @sort4::text WHEN 'day' THEN day WHEN 'week' THEN week WHEN 'channel' THEN channel WHEN 'party' THEN party WHEN 'priority' THEN priority WHEN 'status' THEN status END,
    CASE @sort5::text WHEN 'day' THEN day WHEN 'week' THEN week WHEN 'channel' THEN channel WHEN 'party' THEN party WHEN 'priority' THEN priority WHEN 'status' THEN status END,
    CASE @sort6::text WHEN 'day' THEN day WHEN 'week' THEN week WHEN 'channel' THEN channel WHEN 'party' THEN party WHEN 'priority' THEN priority WHEN 'status' THEN status END

-- query: party_figures
-- The one set of counts per party (0 for none) every report, letter and
-- workbook reads: all complaints naming the party; those triage found out
-- of scope; and, of the rest (what a party's follow-up report counts),
-- the repeats, those not yet triaged, the urgent and high ones, and the
-- closed ones.
SELECT coalesce(c.party_id, 0)::bigint, coalesce(p.name, @no_party), count(*),
    count(*) FILTER (WHERE tr.out_of_scope),
    count(*) FILTER (WHERE NOT coalesce(tr.out_of_scope, false) AND c.duplicate_of_id IS NOT NULL),
    count(*) FILTER (WHERE tr.id IS NULL),
    count(*) FILTER (WHERE NOT coalesce(tr.out_of_scope, false) AND c.priority = 'urgent'),
    count(*) FILTER (WHERE NOT coalesce(tr.out_of_scope, false) AND c.priority = 'high'),
    count(*) FILTER (WHERE NOT coalesce(tr.out_of_scope, false) AND c.status = 'closed')
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN triage_results tr ON tr.complaint_id = c.id AND tr.is_current
WHERE /*conditions*/ GROUP BY 1, 2

-- query: party_figure_channels
-- Each party's in-scope complaints by channel (once per channel reported).
SELECT coalesce(c.party_id, 0)::bigint, ch, count(*)
FROM complaints c LEFT JOIN triage_results tc ON tc.complaint_id = c.id AND tc.is_current
CROSS JOIN LATERAL unnest(CASE WHEN tc.id IS NULL THEN ARRAY[c.channel] WHEN cardinality(tc.channels) = 0 THEN ARRAY[tc.channel]
    ELSE tc.channels END) WITH ORDINALITY AS u(ch, k)
WHERE /*conditions*/ AND NOT coalesce(tc.out_of_scope, false) GROUP BY 1, 2

-- query: party_figure_codes
-- Each party's in-scope complaints by provision and guidance point.
SELECT coalesce(c.party_id, 0)::bigint, k.kind, k.code, count(*)
FROM complaints c JOIN triage_results tr ON tr.complaint_id = c.id AND tr.is_current AND NOT tr.out_of_scope
CROSS JOIN LATERAL (
    SELECT 'provision' AS kind, u::text AS code FROM unnest(tr.provisions::text[]) u
    UNION ALL SELECT 'guidance', u::text FROM unnest(tr.guidance::text[]) u) k
WHERE /*conditions*/ GROUP BY 1, 2, 3

-- query: party_themes
-- One party's in-scope triaged complaints, each with its channels,
-- provisions and guidance points and whether it was urgent or high, from
-- which the report's requests are counted.
SELECT CASE WHEN cardinality(tr.channels) = 0 THEN ARRAY[tr.channel] ELSE tr.channels END::text[],
    tr.provisions::text[], tr.guidance::text[], coalesce(c.priority IN ('urgent', 'high'), false)
FROM complaints c JOIN triage_results tr ON tr.complaint_id = c.id AND tr.is_current AND NOT tr.out_of_scope
WHERE /*conditions*/
