-- The triage pipeline: claiming complaints, reading their state, the
-- engine's registry and storing results (see Pipeline for why in batches).

-- name: LockComplaints :many
-- Locks the given complaints, waiting for any other triage of them to
-- finish. FOR NO KEY UPDATE excludes every other triage and officer action
-- on the row but not the key-share locks of rows that merely reference it
-- (cluster members, decisions).
SELECT c.id, c.reference, c.channel, c.party_id, coalesce(p.name, c.party_text) AS party, c.received_at,
    c.received_at_has_time, c.sender, c.message, c.description, c.consent, c.opted_out, c.tps_registered,
    c.sender_identified, c.opt_out_offered, c.recipients_visible, c.special_category, c.status, c.priority,
    c.member, c.work_address, c.asked_to_stop_on, c.breach_where, c.breach_exposed
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
WHERE c.id = ANY(@ids::bigint[])
ORDER BY c.id
FOR NO KEY UPDATE OF c;

-- name: ClaimComplaints :many
-- Locks the job's own complaint (@own) if no one else holds it, and up to
-- @claim_limit complaints still new after @after that no one else holds:
-- SKIP LOCKED lets concurrent jobs claim disjoint batches instead of
-- queueing behind one another. @after (the highest id this process has
-- claimed) keeps the index scan at the front of the queue rather than
-- walking the complaints already triaged. The lock in the outer query is
-- one the claim already holds; it makes the columns read those of the
-- latest row version.
WITH more AS (
    SELECT id FROM complaints WHERE id > @after::bigint AND id <> @own::bigint AND status = 'new'
    ORDER BY id LIMIT @claim_limit
    FOR NO KEY UPDATE SKIP LOCKED)
SELECT c.id, c.reference, c.channel, c.party_id, coalesce(p.name, c.party_text) AS party, c.received_at,
    c.received_at_has_time, c.sender, c.message, c.description, c.consent, c.opted_out, c.tps_registered,
    c.sender_identified, c.opt_out_offered, c.recipients_visible, c.special_category, c.status, c.priority,
    c.member, c.work_address, c.asked_to_stop_on, c.breach_where, c.breach_exposed
FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
WHERE c.id = ANY(ARRAY(SELECT id FROM more) || @own::bigint)
ORDER BY c.id
FOR NO KEY UPDATE OF c SKIP LOCKED;

-- name: ComplaintState :many
-- Reads, after the lock (so with a snapshot that sees any triage that
-- committed while this one waited), each complaint's result from this
-- rulebook and whether an officer's override stands.
SELECT u.id::bigint AS id, coalesce(r.id, 0)::bigint AS result_id, coalesce(r.is_current, false)::boolean AS is_current,
    coalesce(r.priority, '')::text AS priority,
    coalesce((SELECT d.kind = 'override' FROM triage_decisions d WHERE d.complaint_id = u.id ORDER BY d.id DESC LIMIT 1), false)::boolean AS overridden
FROM unnest(@ids::bigint[]) AS u(id)
LEFT JOIN triage_results r ON r.complaint_id = u.id AND r.rulebook_version = @rulebook_version::text
    AND r.rulebook_hash = @rulebook_hash::text;

-- name: TriagedAlready :one
-- Whether the complaint's current result is this rulebook's and the
-- complaint already reflects it, so that triaging it would change nothing,
-- and whether any complaint after @after is still new.
SELECT EXISTS (
    SELECT 1 FROM complaints c
    JOIN triage_results r ON r.complaint_id = c.id AND r.is_current AND r.rulebook_version = @rulebook_version::text
        AND r.rulebook_hash = @rulebook_hash::text
    WHERE c.id = @id::bigint AND c.status <> 'new'
      AND (c.priority = r.priority
           OR coalesce((SELECT d.kind = 'override' FROM triage_decisions d WHERE d.complaint_id = c.id ORDER BY d.id DESC LIMIT 1), false))
    )::boolean AS done,
    EXISTS (SELECT 1 FROM complaints WHERE id > @after::bigint AND id <> @id::bigint AND status = 'new')::boolean AS pending;

-- name: Elections :many
-- The registered elections, for the engine's Context.
SELECT name, announced_on, polling_day, nations FROM elections ORDER BY announced_on;

-- name: ActiveParties :many
-- The party registry's active parties, for the engine's Context.
SELECT id, name, short_name, aliases, nations FROM parties WHERE active ORDER BY id;

-- name: RerunPage :many
-- The next page of complaints a re-run triages again, received on or
-- after @since (all when it is null).
SELECT id FROM complaints WHERE id > @after::bigint AND (sqlc.narg(since)::timestamptz IS NULL OR received_at >= sqlc.narg(since))
ORDER BY id LIMIT 500;

-- name: ClearCurrent :exec
-- Clears the current flag of the complaints' results: a new result or an
-- earlier one made current again takes it.
UPDATE triage_results SET is_current = false WHERE complaint_id = ANY(@complaint_ids::bigint[]) AND is_current;

-- name: MakeCurrent :exec
UPDATE triage_results SET is_current = true WHERE id = ANY(@ids::bigint[]);

-- name: InsertResults :many
-- Stores the new results in one statement. The rows travel as one JSON
-- array: text[] and jsonb columns do not go through unnest.
INSERT INTO triage_results (complaint_id, rulebook_version, rulebook_hash, channel, channels, provisions, guidance,
    score, priority, actions, rationale, context, out_of_scope, referral)
SELECT x.complaint_id, @rulebook_version::text, @rulebook_hash::text, x.channel, x.channels, x.provisions, x.guidance,
    x.score, x.priority, x.actions, x.rationale, x.context, coalesce(x.out_of_scope, false), nullif(x.referral, '')
FROM jsonb_to_recordset(@results::jsonb) AS x(complaint_id bigint, channel text, channels text[], provisions text[],
    guidance text[], score integer, priority text, actions text[], rationale jsonb, context jsonb, out_of_scope boolean,
    referral text)
ORDER BY x.complaint_id
RETURNING complaint_id, id;

-- name: SetRecognisedParties :exec
-- Records the party the engine recognised where the intake's exact match
-- found none ("the Tories"), so the complaint counts against the party.
UPDATE complaints c SET party_id = u.pid FROM ROWS FROM (unnest(@ids::bigint[]), unnest(@party_ids::bigint[])) AS u(id, pid)
WHERE c.id = u.id AND c.party_id IS NULL;

-- name: SetTriaged :exec
-- Moves complaints to their status and effective priority after triage.
UPDATE complaints c SET status = u.status, priority = NULLIF(u.priority, ''), updated_at = now()
FROM ROWS FROM (unnest(@ids::bigint[]), unnest(@statuses::text[]), unnest(@priorities::text[])) AS u(id, status, priority)
WHERE c.id = u.id;
