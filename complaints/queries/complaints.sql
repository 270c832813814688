-- name: NextComplaintIDs :one
-- A block of complaint ids in ascending order, drawn before a submission's
-- first round trip (see idBlock).
SELECT array_agg(nextval('complaints_id_seq') ORDER BY n)::bigint[] AS ids
FROM generate_series(1, sqlc.arg(count)::int) n;

-- name: PartyByIDAndElection :one
-- The party chosen from the list and the election whose period
-- (announcement to polling day plus follow-up) covers the day received,
-- standing in the party's nations, in one statement. There is one form of
-- this query per way the party was given, because a single form with CASE
-- on its parameters was planned afresh on every call, and that planning
-- cost more than running it.
WITH p AS (
    SELECT pa.id, pa.nations FROM parties pa WHERE pa.id = @party_id
    ORDER BY active DESC, id LIMIT 1)
SELECT (SELECT id FROM p) AS party_id,
    (SELECT e.id FROM elections e
     WHERE NOT e.demo
       AND (sqlc.arg(received_at)::timestamptz AT TIME ZONE 'Europe/London')::date
           BETWEEN e.announced_on AND e.polling_day + e.follow_up_days
       AND (NOT EXISTS (SELECT 1 FROM p) OR e.nations && (SELECT nations FROM p))
     ORDER BY e.announced_on DESC, e.id DESC LIMIT 1) AS election_id;

-- name: PartyByNameAndElection :one
-- As PartyByIDAndElection, for a party typed by name, short name or alias.
WITH p AS (
    SELECT id, nations FROM parties
    WHERE lower(name) = lower(sqlc.arg(party_text)::text) OR lower(short_name) = lower(sqlc.arg(party_text)::text)
        OR EXISTS (SELECT 1 FROM unnest(aliases) a WHERE lower(a) = lower(sqlc.arg(party_text)::text))
    ORDER BY active DESC, id LIMIT 1)
SELECT (SELECT id FROM p) AS party_id,
    (SELECT e.id FROM elections e
     WHERE NOT e.demo
       AND (sqlc.arg(received_at)::timestamptz AT TIME ZONE 'Europe/London')::date
           BETWEEN e.announced_on AND e.polling_day + e.follow_up_days
       AND (NOT EXISTS (SELECT 1 FROM p) OR e.nations && (SELECT nations FROM p))
     ORDER BY e.announced_on DESC, e.id DESC LIMIT 1) AS election_id;

-- name: NoPartyAndElection :one
-- As PartyByIDAndElection, for a complaint that names no party.
WITH p AS (
    SELECT id, nations FROM parties WHERE false
    ORDER BY active DESC, id LIMIT 1)
SELECT (SELECT id FROM p) AS party_id,
    (SELECT e.id FROM elections e
     WHERE NOT e.demo
       AND (sqlc.arg(received_at)::timestamptz AT TIME ZONE 'Europe/London')::date
           BETWEEN e.announced_on AND e.polling_day + e.follow_up_days
       AND (NOT EXISTS (SELECT 1 FROM p) OR e.nations && (SELECT nations FROM p))
     ORDER BY e.announced_on DESC, e.id DESC LIMIT 1) AS election_id;

-- name: SelectByIdempotencyKey :one
-- The complaint an Idempotency-Key created, the hash of the request that
-- created it and the referral it was given (a repeat gets the same answer).
SELECT id, reference, idempotency_body_sha256, referral FROM complaints WHERE idempotency_key = sqlc.arg(idempotency_key)::text;

-- name: LockDuplicates :exec
-- Serialises submissions with the same content hash (as hex), for the rest
-- of the transaction.
SELECT pg_advisory_xact_lock(hashtextextended(sqlc.arg(dedupe_key)::text, 7));

-- name: FirstDuplicate :one
-- The earliest complaint with the same content in the duplicate window
-- (DuplicateWindow, 24 hours); linked duplicates point at it, never at each
-- other. The window is part of the text, not a parameter: with it as a
-- parameter PostgreSQL re-planned the statement on most calls.
SELECT id, reference FROM complaints
WHERE dedupe_hash = @dedupe_hash AND created_at >= now() - interval '86400 seconds' AND duplicate_of_id IS NULL
ORDER BY id LIMIT 1;

-- name: InsertComplaintWithID :exec
-- The public intake's insert, with the id drawn before the transaction for
-- the jobs; a conflict fails the whole transaction and Submit tries again.
INSERT INTO complaints (id, reference, source, source_id, channel, party_id, party_text, election_id,
    received_at, received_at_has_time, sender, sender_normalized, message, description, consent,
    opted_out, tps_registered, sender_identified, opt_out_offered, recipients_visible,
    special_category, targeting_reason, lang, member, work_address, asked_to_stop_on, breach_where,
    breach_exposed, referral, dedupe_hash, duplicate_of_id, idempotency_key,
    idempotency_body_sha256, triage_requested_at) OVERRIDING SYSTEM VALUE
VALUES (@id, @reference, @source, NULLIF(sqlc.arg(source_id)::text, ''), @channel, @party_id, @party_text, @election_id,
    @received_at, @received_at_has_time, @sender, @sender_normalized, @message, @description, @consent,
    @opted_out, @tps_registered, @sender_identified, @opt_out_offered, @recipients_visible,
    @special_category, @targeting_reason, @lang, @member, @work_address, sqlc.narg(asked_to_stop_on)::date, @breach_where,
    sqlc.arg(breach_exposed)::text[], sqlc.narg(referral)::text, @dedupe_hash, @duplicate_of_id, NULLIF(sqlc.arg(idempotency_key)::text, ''),
    @idempotency_body_sha256, now());

-- name: InsertComplainant :exec
INSERT INTO complainants (complaint_id, name, email, phone, postcode, may_contact, contacted)
VALUES (@complaint_id, @name, @email, @phone, @postcode, @may_contact, @contacted);

-- name: InsertEvidence :exec
INSERT INTO complaint_evidence (complaint_id, filename, content_type, size, sha256, data)
VALUES (@complaint_id, @filename, @content_type, @size, @sha256, @data);

-- name: SetResolveLockTimeout :exec
-- SET LOCAL lock_timeout = '5s', in a form that can be prepared: resolveCommit
-- must not wait long on a transaction whose backend has not yet noticed that
-- its client is gone.
SELECT set_config('lock_timeout', '5s', true);

-- name: ComplaintStored :one
-- Whether a complaint id was committed.
SELECT EXISTS (SELECT 1 FROM complaints WHERE id = @id) AS stored;
