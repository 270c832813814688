-- The triage queue: review.Filter chooses the conditions and the sort.
-- Each sort is a fixed ORDER BY (an order block), so every choice is a
-- fixed statement and the planner can read an index in that order rather
-- than sort every matching row.

-- query: queue
SELECT c.id, c.reference, c.received_at, c.received_at_has_time, c.channel, coalesce(t.channel, ''), coalesce(t.channels, '{}'),
    coalesce(p.name, c.party_text), c.party_id, coalesce(e.name, ''), c.status, coalesce(c.priority, ''),
    t.score, coalesce(d.provisions, t.provisions, '{}'), coalesce(u.email, ''), coalesce(r.outcome, ''),
    sc.cluster_id, tc.cluster_id, greatest(coalesce(sk.size, 0), coalesce(tk.size, 0)),
    coalesce(t.referral, ''), count(*) OVER ()
FROM complaints c
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
LEFT JOIN LATERAL (SELECT provisions FROM triage_decisions x WHERE x.complaint_id = c.id ORDER BY x.id DESC LIMIT 1) d ON true
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN elections e ON e.id = c.election_id
LEFT JOIN complaint_reviews r ON r.complaint_id = c.id
LEFT JOIN staff_users u ON u.id = r.assigned_to
LEFT JOIN complaint_cluster_members sc ON sc.complaint_id = c.id AND sc.kind = 'sender'
LEFT JOIN complaint_clusters sk ON sk.id = sc.cluster_id
LEFT JOIN complaint_cluster_members tc ON tc.complaint_id = c.id AND tc.kind = 'text'
LEFT JOIN complaint_clusters tk ON tk.id = tc.cluster_id
WHERE /*conditions*/
/*order*/
LIMIT @limit OFFSET @offset

-- query: position
-- One complaint's place in the queue the conditions choose: its sort keys
-- (the priority as its rank in @priorities, the score with none as -1),
-- or no row when the complaint is not in that queue. Service.Next reads
-- the complaint after it from these keys.
SELECT c.id, c.received_at,
    coalesce(array_position(@priorities::text[], c.priority), cardinality(@priorities::text[]) + 1),
    coalesce(t.score, -1)
FROM complaints c
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
LEFT JOIN complaint_reviews r ON r.complaint_id = c.id
LEFT JOIN complaint_cluster_members sc ON sc.complaint_id = c.id AND sc.kind = 'sender'
LEFT JOIN complaint_cluster_members tc ON tc.complaint_id = c.id AND tc.kind = 'text'
WHERE c.reference = @reference AND /*conditions*/

-- query: next
-- The first complaint of the queue the conditions choose, in its order:
-- with an after_* condition, the first after a given place (keyset), so
-- the next complaint costs one index read however long the queue is.
SELECT c.reference
FROM complaints c
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
LEFT JOIN complaint_reviews r ON r.complaint_id = c.id
LEFT JOIN complaint_cluster_members sc ON sc.complaint_id = c.id AND sc.kind = 'sender'
LEFT JOIN complaint_cluster_members tc ON tc.complaint_id = c.id AND tc.kind = 'text'
WHERE /*conditions*/
/*order*/
LIMIT 1

-- order: priority
-- Most urgent first, then newest received: @priorities lists the
-- priorities most urgent first (vocab.PriorityCodes()), with complaints not
-- yet triaged last.
ORDER BY coalesce(array_position(@priorities::text[], c.priority), cardinality(@priorities::text[]) + 1),
    c.received_at DESC, c.id DESC

-- order: received
-- Newest received first.
ORDER BY c.received_at DESC, c.id DESC

-- order: received_asc
-- Oldest received first.
ORDER BY c.received_at, c.id

-- order: score
-- Highest score first, then newest received.
ORDER BY t.score DESC NULLS LAST, c.received_at DESC, c.id DESC

-- condition: priority
c.priority = @priority

-- condition: status
c.status = @status

-- condition: party
c.party_id = @party_id

-- condition: channel
-- Complaints that report the channel: one of the current result's
-- channels (the GIN index on current results' channels answers it), or
-- the stated channel while there is no result.
c.id IN (SELECT x.complaint_id FROM triage_results x WHERE x.is_current AND x.channels @> ARRAY[@channel::text])
    OR (t.id IS NULL AND c.channel = @channel::text)
    OR (cardinality(t.channels) = 0 AND t.channel = @channel::text)

-- condition: referral
-- Out of scope and referred to this body.
t.referral = @referral

-- condition: out_of_scope
t.out_of_scope

-- condition: election
c.election_id = @election_id

-- condition: cluster
sc.cluster_id = @cluster_id OR tc.cluster_id = @cluster_id

-- condition: unassigned
r.assigned_to IS NULL

-- condition: assigned_to
r.assigned_to = @assigned_to

-- condition: from
c.received_at >= @from

-- condition: to
c.received_at < @to

-- condition: after_priority
-- After a place in the priority order: the rank ascends while the time
-- and id descend, so the rank is negated to compare the three as one row.
(-coalesce(array_position(@priorities::text[], c.priority), cardinality(@priorities::text[]) + 1), c.received_at, c.id)
    < (-@after_rank::int, @after_received::timestamptz, @after_id::bigint)

-- condition: after_received
(c.received_at, c.id) < (@after_received::timestamptz, @after_id::bigint)

-- condition: after_received_asc
(c.received_at, c.id) > (@after_received::timestamptz, @after_id::bigint)

-- condition: after_score
-- Scores run from 0, so a complaint with none sorts last as -1.
(coalesce(t.score, -1), c.received_at, c.id) < (@after_score::int, @after_received::timestamptz, @after_id::bigint)
