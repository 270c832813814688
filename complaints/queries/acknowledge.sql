-- name: LockForAcknowledgement :one
-- The complaint's reference, language and referral and whom to write to; the
-- complainant row is locked, not the complaint, so a slow mail server never
-- holds up triage or staff work on the complaint itself.
SELECT c.reference, c.lang, c.referral, c.acknowledged_at, p.email, (c.duplicate_of_id IS NOT NULL)::boolean AS duplicate
FROM complaints c JOIN complainants p ON p.complaint_id = c.id
WHERE c.id = @id FOR UPDATE OF p;

-- name: MarkAcknowledged :exec
UPDATE complaints SET acknowledged_at = now(), updated_at = now() WHERE id = @id;
