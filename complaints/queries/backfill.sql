-- Backfill: complaints recorded after the fact with the state their
-- handling reached (complaints.Service.Backfill), copied in bulk.

-- name: BackfillIDs :one
-- Ids for a backfill, drawn from the complaints sequence in order.
SELECT array_agg(nextval('complaints_id_seq') ORDER BY n)::bigint[] AS ids FROM generate_series(1, @n::int) n;

-- name: BackfillComplaints :copyfrom
-- The ids are drawn first (BackfillIDs); COPY writes them as given.
INSERT INTO complaints (id, reference, source, source_id, channel, party_id, party_text, election_id,
    received_at, received_at_has_time, sender, sender_normalized, message, description, consent,
    opted_out, tps_registered, sender_identified, opt_out_offered, recipients_visible,
    special_category, lang, member, work_address, asked_to_stop_on, breach_where, breach_exposed, referral,
    dedupe_hash, status, priority, closed_at, created_at)
OVERRIDING SYSTEM VALUE
VALUES (@id, @reference, @source, @source_id, @channel, @party_id, @party_text, @election_id,
    @received_at, @received_at_has_time, @sender, @sender_normalized, @message, @description, @consent,
    @opted_out, @tps_registered, @sender_identified, @opt_out_offered, @recipients_visible,
    @special_category, @lang, @member, @work_address, @asked_to_stop_on, @breach_where, @breach_exposed, @referral,
    @dedupe_hash, @status, @priority, @closed_at, @created_at);

-- name: BackfillComplainants :copyfrom
INSERT INTO complainants (complaint_id, name, email, phone, postcode, may_contact, contacted)
VALUES (@complaint_id, @name, @email, @phone, @postcode, @may_contact, @contacted);
