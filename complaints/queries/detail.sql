-- name: ComplaintDetail :one
-- The complaint as the detail page and the API show it.
SELECT c.id, c.reference, c.source, c.channel, c.party_id,
    coalesce(p.name, c.party_text)::text AS party, c.election_id, coalesce(e.name, '')::text AS election,
    c.received_at, c.sender, c.status, c.priority, d.reference AS duplicate_of, c.created_at,
    c.party_text, c.received_at_has_time, c.message, c.description,
    c.consent, c.opted_out, c.tps_registered, c.sender_identified, c.opt_out_offered, c.recipients_visible,
    c.special_category, c.targeting_reason, c.lang, c.source_id, c.acknowledged_at, c.triage_requested_at,
    c.anonymised_at,
    -- Their own details: the number or address the sender contacted alone
    -- is not the complainant giving their details.
    EXISTS (SELECT 1 FROM complainants cp WHERE cp.complaint_id = c.id
        AND (btrim(cp.name) <> '' OR btrim(cp.email) <> '' OR btrim(cp.phone) <> '' OR btrim(cp.postcode) <> '')) AS has_complainant,
    EXISTS (SELECT 1 FROM complainants cp WHERE cp.complaint_id = c.id AND btrim(cp.contacted) <> '') AS has_contacted,
    c.member, c.work_address, c.asked_to_stop_on, c.breach_where, c.breach_exposed, c.referral AS intake_referral
FROM complaints c
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN elections e ON e.id = c.election_id
LEFT JOIN complaints d ON d.id = c.duplicate_of_id
WHERE c.reference = @reference;

-- name: EvidenceList :many
SELECT id, filename, content_type, size FROM complaint_evidence WHERE complaint_id = @complaint_id ORDER BY id;

-- name: DuplicateReferences :many
SELECT reference FROM complaints WHERE duplicate_of_id = sqlc.arg(complaint_id)::bigint ORDER BY id LIMIT 100;

-- name: ComplainantOf :one
SELECT name, email, phone, postcode, may_contact, contacted FROM complainants WHERE complaint_id = @complaint_id;

-- name: CurrentTriage :one
-- The complaint's current triage result as the detail shows it: every
-- channel it reports, whether it is out of scope and where it was
-- referred, and the rationale's lines.
SELECT channel, channels, out_of_scope, referral, score, priority, provisions, rationale, rulebook_version
FROM triage_results WHERE complaint_id = @complaint_id AND is_current;

-- name: EvidenceFile :one
SELECT v.filename, v.content_type, v.data FROM complaint_evidence v JOIN complaints c ON c.id = v.complaint_id
WHERE c.reference = @reference AND v.id = @id;

-- name: Receipt :one
-- What a receipt entry in History shows, for a complaint with no receipt in
-- the audit log (one received from the public); it finds no row for any
-- other. The evidence count means nothing once retention has erased the
-- evidence, and the caller leaves it out then.
SELECT c.created_at, c.source, c.channel, (c.anonymised_at IS NOT NULL)::boolean AS anonymised,
    (SELECT count(*)::int FROM complaint_evidence v WHERE v.complaint_id = c.id) AS evidence,
    d.reference AS duplicate_of
FROM complaints c
LEFT JOIN complaints d ON d.id = c.duplicate_of_id
WHERE c.reference = @reference
  AND NOT EXISTS (SELECT 1 FROM audit_log a
                  WHERE a.object_type = 'complaint' AND a.object_id = c.reference AND a.action = 'complaint.receive');

-- name: PartyOptions :many
SELECT id, name FROM parties ORDER BY lower(name);

-- name: ElectionOptions :many
SELECT id, name FROM elections ORDER BY polling_day DESC, id DESC;
