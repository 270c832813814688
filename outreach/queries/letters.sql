-- Letters: what the send worker reads and writes, what pages show.

-- name: BeginSend :one
-- Moves a letter to "sending" and loads it in one statement: see
-- Service.beginSend for why the UPDATE's row lock makes this safe.
UPDATE letters SET state = 'sending', sending_at = now(), attempts = attempts + 1, updated_at = now()
WHERE id = @id AND send_round = @send_round AND state IN ('queued', 'scheduled', 'sending')
RETURNING reference, recipient_email, subject, body_html, body_text, message_id, pdf, coalesce(attachment_name, '')::text AS attachment_name, attachment;

-- name: MarkLetterSent :exec
UPDATE letters SET state = 'sent', sent_at = now(), smtp_reply = @reply, last_error = '', updated_at = now()
WHERE id = @id AND state = 'sending';

-- name: MarkLetterFailed :exec
UPDATE letters SET state = 'failed', failed_at = now(), last_error = @reply, smtp_reply = @reply, updated_at = now()
WHERE id = @id AND state = 'sending';

-- name: RequeueLetter :exec
UPDATE letters SET state = 'queued', last_error = @reply, smtp_reply = @reply, updated_at = now()
WHERE id = @id AND state = 'sending';

-- name: GetLetter :one
SELECT l.id, l.batch_id, l.election_id, l.party_id, l.contact_id, l.template_id, t.name AS template_name, t.version AS template_version,
 l.reference, l.party_name, l.recipient_name, l.recipient_position, l.recipient_email, l.subject, l.body_html, l.body_text, l.sha256,
 l.message_id, l.state, l.attempts, l.last_error, l.smtp_reply, l.bounce_reason, octet_length(l.pdf)::int AS pdf_size, l.created_at,
 l.queued_at, l.sending_at, l.sent_at, l.failed_at, l.cancelled_at, l.bounced_at
FROM letters l JOIN letter_templates t ON t.id = l.template_id
WHERE l.id = @id;

-- name: ElectionLetters :many
SELECT l.id, l.batch_id, l.election_id, l.party_id, l.contact_id, l.template_id, t.name AS template_name, t.version AS template_version,
 l.reference, l.party_name, l.recipient_name, l.recipient_position, l.recipient_email, l.subject, l.body_html, l.body_text, l.sha256,
 l.message_id, l.state, l.attempts, l.last_error, l.smtp_reply, l.bounce_reason, octet_length(l.pdf)::int AS pdf_size, l.created_at,
 l.queued_at, l.sending_at, l.sent_at, l.failed_at, l.cancelled_at, l.bounced_at
FROM letters l JOIN letter_templates t ON t.id = l.template_id
WHERE l.election_id = @election_id::bigint
ORDER BY l.party_name, l.id;

-- name: LetterPDF :one
SELECT pdf FROM letters WHERE id = @id;

-- name: ElectionBatches :many
SELECT b.id, b.state, t.name AS template_name, t.version AS template_version, b.send_at,
       COALESCE(cu.email, 'command line')::text AS created_by, b.created_at, COALESCE(ru.email, '')::text AS released_by, b.released_at,
       (SELECT count(*) FROM letters l WHERE l.batch_id = b.id) AS letters
FROM letter_batches b JOIN letter_templates t ON t.id = b.template_id
LEFT JOIN staff_users cu ON cu.id = b.created_by LEFT JOIN staff_users ru ON ru.id = b.released_by
WHERE b.election_id = @election_id::bigint
ORDER BY b.id;

-- name: LockLetterByReference :one
SELECT id, state, contact_id FROM letters WHERE reference = @reference FOR UPDATE;

-- name: MarkLetterBounced :exec
UPDATE letters SET state = 'bounced', bounced_at = now(), bounce_reason = @reason, updated_at = now() WHERE id = @id;

-- name: ResendFailedLetters :many
-- Every failed letter of an election (0: of any) or the one letter id
-- (0: any), each in a new send round.
UPDATE letters SET state = 'queued', send_round = send_round + 1, queued_at = now(), failed_at = NULL, updated_at = now()
WHERE state = 'failed' AND (election_id = @election_id::bigint OR @election_id::bigint = 0) AND (id = @letter_id::bigint OR @letter_id::bigint = 0)
RETURNING id, send_round;

-- name: PendingBatchLetters :many
SELECT id, send_round FROM letters WHERE batch_id = @batch_id AND state IN ('queued', 'scheduled') ORDER BY id;

-- name: ReleaseBatchLetters :execrows
UPDATE letters SET state = @state, queued_at = now(), updated_at = now() WHERE batch_id = @batch_id AND state = 'held';

-- name: CancelBatchLetters :execrows
UPDATE letters SET state = 'cancelled', cancelled_at = now(), updated_at = now()
WHERE batch_id = @batch_id AND state IN ('held', 'scheduled', 'queued');

-- name: AttachToPartyLetters :exec
UPDATE letters SET attachment_name = @attachment_name, attachment = @attachment WHERE batch_id = @batch_id AND party_id = @party_id;

-- name: NextReferences :one
-- Reserves n references under prefix and returns the last one.
INSERT INTO letter_reference_counters (prefix, last) VALUES (@prefix, @n)
ON CONFLICT (prefix) DO UPDATE SET last = letter_reference_counters.last + @n RETURNING last;

-- name: ReserveLetterIDs :many
SELECT nextval(pg_get_serial_sequence('letters', 'id'))::bigint AS id FROM generate_series(1, @n::int);

-- name: CopyLetters :copyfrom
INSERT INTO letters (id, batch_id, election_id, party_id, contact_id, template_id, reference, party_name,
    recipient_name, recipient_position, recipient_email, subject, body_html, body_text, pdf, sha256, message_id, state,
    created_at, queued_at, lang, template_cy_id)
VALUES (@id, @batch_id, @election_id, @party_id, @contact_id, @template_id, @reference, @party_name,
    @recipient_name, @recipient_position, @recipient_email, @subject, @body_html, @body_text, @pdf, @sha256, @message_id, @state,
    @created_at, @queued_at, @lang, @template_cy_id);
