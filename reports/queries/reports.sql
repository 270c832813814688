-- Static report queries. Reports read complaints, triage results,
-- reviews, parties, elections and letters, and write only their own
-- exports (exports.sql).

-- name: GetElection :one
SELECT id, name, type, nations, announced_on, polling_day, follow_up_days FROM elections WHERE id = @id;

-- name: PartyNames :one
SELECT coalesce(array_agg(name ORDER BY name), '{}')::text[] AS names FROM parties WHERE id = ANY(@ids::bigint[]);

-- name: GetParty :one
SELECT id, name FROM parties WHERE id = @id;

-- name: ElectionOptions :many
SELECT id, name, (current_date BETWEEN announced_on AND polling_day + follow_up_days)::boolean AS active
FROM elections ORDER BY polling_day DESC, id DESC;

-- name: PartyOptions :many
SELECT id, name, active FROM parties ORDER BY name;

-- name: ElectionPartyFigures :many
-- Per party (0 for none) of an election: urgent, high and closed complaints.
SELECT coalesce(c.party_id, 0)::bigint AS party_id, count(*) FILTER (WHERE c.priority = 'urgent') AS urgent,
    count(*) FILTER (WHERE c.priority = 'high') AS high, count(*) FILTER (WHERE c.status = 'closed') AS closed
FROM complaints c WHERE c.election_id = @election_id::bigint GROUP BY 1;

-- name: ElectionTopProvisions :many
-- Each party's most engaged provision in an election, from the current
-- triage result of each complaint.
SELECT DISTINCT ON (party_id) party_id, code FROM (
    SELECT coalesce(c.party_id, 0)::bigint AS party_id, u::text AS code, count(*) AS n
    FROM complaints c
    LEFT JOIN LATERAL (SELECT t.provisions::text[] AS provisions, t.guidance::text[] AS guidance, t.rulebook_version::text AS rulebook_version
        FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current ORDER BY t.created_at DESC LIMIT 1) tr ON true
    CROSS JOIN LATERAL unnest(tr.provisions) u
    WHERE c.election_id = @election_id::bigint GROUP BY 1, 2) t
ORDER BY party_id, n DESC, code;

-- name: FollowUpBatchID :one
SELECT coalesce(max(id), 0)::bigint AS id FROM letter_batches WHERE election_id = @election_id::bigint AND kind = 'follow_up';

-- name: PartiesWithComplaints :many
-- The parties with at least one complaint in the election that triage did
-- not find out of scope: a party is not written to about complaints
-- another body handles.
SELECT DISTINCT c.party_id::bigint AS party_id FROM complaints c
WHERE c.election_id = @election_id::bigint AND c.party_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)
ORDER BY 1;

-- name: DueElections :many
-- Elections whose follow-up day fell in the catch-up window and that never
-- had a follow-up batch.
SELECT e.id FROM elections e
WHERE e.polling_day + e.follow_up_days BETWEEN sqlc.arg(today)::date - sqlc.arg(catch_up_days)::int AND sqlc.arg(today)::date
  AND NOT EXISTS (SELECT 1 FROM letter_batches b WHERE b.election_id = e.id AND b.kind = 'follow_up')
ORDER BY e.id;
