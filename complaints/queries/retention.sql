-- name: AnonymiseExpired :many
-- Takes the oldest expired complaints first, a batch at a time. SKIP LOCKED
-- lets a second run (another instance, or a rescued job) take other rows
-- instead of waiting on this one's.
UPDATE complaints SET anonymised_at = now(), updated_at = now(), description = '', targeting_reason = ''
WHERE id IN (
	SELECT id FROM complaints
	WHERE anonymised_at IS NULL AND coalesce(closed_at, created_at) < now() - make_interval(days => sqlc.arg(days)::int)
	ORDER BY id
	LIMIT @batch_size
	FOR UPDATE SKIP LOCKED)
RETURNING id;

-- name: DeleteComplainants :exec
DELETE FROM complainants WHERE complaint_id = ANY(sqlc.arg(complaint_ids)::bigint[]);

-- name: DeleteEvidence :exec
DELETE FROM complaint_evidence WHERE complaint_id = ANY(sqlc.arg(complaint_ids)::bigint[]);
