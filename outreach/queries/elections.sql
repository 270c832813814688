-- Elections, and the parties and contacts a call or follow-up writes to.

-- name: GetElection :one
SELECT id, name, name_cy, type, nations, announced_on, polling_day, regulated_from, follow_up_days, created_at FROM elections WHERE id = @id;

-- name: ListElections :many
SELECT id, name, name_cy, type, nations, announced_on, polling_day, regulated_from, follow_up_days, created_at,
       COALESCE((SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*) n FROM letters l WHERE l.election_id = e.id GROUP BY state) c), '{}')::jsonb AS letters
FROM elections e ORDER BY polling_day DESC, id DESC LIMIT 500;

-- name: LockElection :one
SELECT id, name, announced_on, polling_day FROM elections WHERE id = @id FOR UPDATE;

-- name: CreateElection :one
INSERT INTO elections (name, name_cy, type, nations, announced_on, polling_day, regulated_from, follow_up_days, created_by)
VALUES (@name, @name_cy, @type, @nations, @announced_on, @polling_day, @regulated_from, @follow_up_days, @created_by) RETURNING id;

-- name: CallRecipients :many
-- Every active contact of every active party standing in one of nations,
-- with the language its letters are written in (the contact's own, or
-- the party's default: Welsh and English for a party standing in Wales).
SELECT p.id AS party_id, p.name AS party_name, c.id AS contact_id, c.name, c.position, c.email,
       COALESCE(c.language, CASE WHEN 'wales' = ANY(p.nations) THEN 'both' ELSE 'en' END)::text AS language
FROM parties p JOIN party_contacts c ON c.party_id = p.id AND c.active
WHERE p.active AND p.nations && @nations::text[]
ORDER BY p.name, c.id;

-- name: CallPartiesWithoutContact :many
SELECT p.name FROM parties p
WHERE p.active AND p.nations && @nations::text[]
  AND NOT EXISTS (SELECT 1 FROM party_contacts c WHERE c.party_id = p.id AND c.active)
ORDER BY p.name;

-- name: FollowUpRecipients :many
SELECT p.id AS party_id, p.name AS party_name, c.id AS contact_id, c.name, c.position, c.email,
       COALESCE(c.language, CASE WHEN 'wales' = ANY(p.nations) THEN 'both' ELSE 'en' END)::text AS language
FROM parties p JOIN party_contacts c ON c.party_id = p.id AND c.active
WHERE p.id = ANY(@party_ids::bigint[]) ORDER BY p.name, c.id;

-- name: FollowUpPartiesWithoutContact :many
SELECT name FROM parties p WHERE p.id = ANY(@party_ids::bigint[])
AND NOT EXISTS (SELECT 1 FROM party_contacts c WHERE c.party_id = p.id AND c.active) ORDER BY name;

-- name: PartiesByID :many
-- The parties chosen for letters outside an election call.
SELECT id, name, active FROM parties WHERE id = ANY(@party_ids::bigint[]) ORDER BY name;

-- name: SameElectionExists :one
-- Whether an election of this name and polling day is recorded: a call
-- confirmed twice (a double click) must not record it twice.
SELECT EXISTS (SELECT 1 FROM elections WHERE lower(name) = lower(@name) AND polling_day = @polling_day)::boolean;

-- name: PartiesLastLetter :one
-- The newest letter to any of the parties: letters confirmed twice must
-- not be sent twice.
SELECT coalesce(max(id), 0)::bigint FROM letters WHERE party_id = ANY(@party_ids::bigint[]);

-- name: LockConfirmations :exec
-- Serialises confirmed calls and sends, so two clicks on the same
-- preview cannot both pass the check that it has not been used.
SELECT pg_advisory_xact_lock(hashtext('outreach.confirm'));
