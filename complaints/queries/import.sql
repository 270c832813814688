-- name: InsertComplaint :one
-- The import's insert: a row whose source id (or reference, or idempotency
-- key) is already taken is skipped, and the caller looks up which.
INSERT INTO complaints (reference, source, source_id, channel, party_id, party_text, election_id,
    received_at, received_at_has_time, sender, sender_normalized, message, description, consent,
    opted_out, tps_registered, sender_identified, opt_out_offered, recipients_visible,
    special_category, targeting_reason, lang, member, work_address, asked_to_stop_on, breach_where,
    breach_exposed, referral, dedupe_hash, duplicate_of_id, idempotency_key,
    idempotency_body_sha256, triage_requested_at)
VALUES (@reference, @source, NULLIF(sqlc.arg(source_id)::text, ''), @channel, @party_id, @party_text, @election_id,
    @received_at, @received_at_has_time, @sender, @sender_normalized, @message, @description, @consent,
    @opted_out, @tps_registered, @sender_identified, @opt_out_offered, @recipients_visible,
    @special_category, @targeting_reason, @lang, @member, @work_address, sqlc.narg(asked_to_stop_on)::date, @breach_where,
    sqlc.arg(breach_exposed)::text[], sqlc.narg(referral)::text, @dedupe_hash, @duplicate_of_id, NULLIF(sqlc.arg(idempotency_key)::text, ''),
    @idempotency_body_sha256, now())
ON CONFLICT DO NOTHING
RETURNING id;

-- name: ComplaintByIdempotencyKey :one
SELECT id, reference FROM complaints WHERE idempotency_key = sqlc.arg(idempotency_key)::text;

-- name: ComplaintBySourceID :one
SELECT id, reference FROM complaints WHERE source = @source AND source_id = sqlc.arg(source_id)::text;
