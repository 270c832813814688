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

-- name: FollowUpBatch :one
-- The election's latest follow-up batch (id 0 when none) and its reply
-- deadline.
SELECT coalesce(max(b.id), 0)::bigint AS id,
    (SELECT l.reply_by FROM letter_batches l WHERE l.id = max(b.id)) AS reply_by
FROM letter_batches b WHERE b.election_id = @election_id::bigint AND b.kind = 'follow_up';

-- name: PartyReaderLanguages :many
-- The language each active contact of a party reads: its own, or the
-- party's default (both where the party stands in Wales, else en, as the
-- letters' recipients query has it); the default alone for a party with
-- no active contact.
SELECT COALESCE(pc.language, CASE WHEN 'wales' = ANY(p.nations) THEN 'both' ELSE 'en' END)::text AS language
FROM parties p LEFT JOIN party_contacts pc ON pc.party_id = p.id AND pc.active
WHERE p.id = @party_id::bigint;


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
  AND NOT e.demo
  AND NOT EXISTS (SELECT 1 FROM letter_batches b WHERE b.election_id = e.id AND b.kind = 'follow_up')
ORDER BY e.id;
