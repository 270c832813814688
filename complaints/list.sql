-- The staff list of complaints (Service.List), newest first: conditions
-- are chosen by Filter, and the cursor continues after the last item of
-- the page before. It asks for one row more than a page to tell whether a
-- next page exists. Columns are read by scanSummary, in this order. A
-- complaint's channels are those its current triage result reports, or
-- the stated channel while it has none.

-- query: list
SELECT c.id, c.reference, c.source, c.channel, c.party_id,
    coalesce(p.name, c.party_text), c.election_id, coalesce(e.name, ''), c.received_at, c.sender,
    c.status, c.priority, d.reference, c.created_at,
    CASE WHEN t.id IS NULL THEN ARRAY[c.channel] WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END,
    coalesce(t.out_of_scope, false), t.referral, c.received_at_has_time
FROM complaints c
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN elections e ON e.id = c.election_id
LEFT JOIN complaints d ON d.id = c.duplicate_of_id
WHERE /*conditions*/
ORDER BY c.created_at DESC, c.id DESC
LIMIT @limit

-- condition: election
c.election_id = @election_id

-- condition: party
c.party_id = @party_id

-- condition: channel
-- "Reports this channel": one of the current triage result's channels
-- (the GIN index on current results' channels answers it), or the stated
-- channel while there is no result.
c.id IN (SELECT x.complaint_id FROM triage_results x WHERE x.is_current AND x.channels @> ARRAY[@channel::text])
    OR (t.id IS NULL AND c.channel = @channel::text)
    OR (cardinality(t.channels) = 0 AND t.channel = @channel::text)

-- condition: referral
-- Out of scope and referred to this body.
t.referral = @referral

-- condition: out_of_scope
t.out_of_scope

-- condition: priority
c.priority = @priority

-- condition: status
c.status = @status

-- condition: received_from
c.received_at >= @received_from

-- condition: received_to
c.received_at < @received_to

-- condition: after_cursor
(c.created_at, c.id) < (@cursor_created_at, @cursor_id)
