-- The staff list of complaints (Service.List), newest first: conditions
-- are chosen by Filter, and the cursor continues after the last item of
-- the page before. It asks for one row more than a page to tell whether a
-- next page exists. Columns are read by scanSummary, in this order.

-- query: list
SELECT c.id, c.reference, c.source, c.channel, c.party_id,
    coalesce(p.name, c.party_text), c.election_id, coalesce(e.name, ''), c.received_at, c.sender,
    c.status, c.priority, d.reference, c.created_at
FROM complaints c
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
c.channel = @channel

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
