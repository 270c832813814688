-- Letter batches: one per election call or follow-up round.

-- name: LockBatch :one
SELECT election_id, state, created_by, send_at FROM letter_batches WHERE id = @id FOR UPDATE;

-- name: ReleaseBatch :exec
UPDATE letter_batches SET state = @state, released_by = @released_by, released_at = now() WHERE id = @id;

-- name: CancelBatch :exec
UPDATE letter_batches SET state = 'cancelled', cancelled_by = @cancelled_by, cancelled_at = now() WHERE id = @id;

-- name: CreateCallBatch :one
INSERT INTO letter_batches (election_id, template_id, state, send_at, created_by, released_at)
VALUES (@election_id, @template_id, @state::text, @send_at, @created_by, CASE WHEN @state::text = 'held' THEN NULL ELSE now() END)
RETURNING id;

-- name: CreateFollowUpBatch :one
INSERT INTO letter_batches (election_id, template_id, state, kind, created_by)
VALUES (@election_id, @template_id, 'held', 'follow_up', @created_by)
RETURNING id;

-- name: FollowUpBatch :one
-- The election's follow-up batch; with include_cancelled a cancelled one counts.
SELECT coalesce(max(id), 0)::bigint FROM letter_batches
WHERE election_id = @election_id::bigint AND kind = 'follow_up' AND (@include_cancelled::boolean OR state <> 'cancelled');

-- name: LiveFollowUpBatch :one
SELECT coalesce(max(id), 0)::bigint FROM letter_batches WHERE election_id = @election_id::bigint AND kind = 'follow_up' AND state <> 'cancelled';

-- name: CreatePartiesBatch :one
-- A batch of letters to parties chosen by hand, outside an election call.
INSERT INTO letter_batches (election_id, template_id, state, kind, send_at, created_by, released_at)
VALUES (@election_id, @template_id, @state::text, 'parties', @send_at, @created_by, CASE WHEN @state::text = 'held' THEN NULL ELSE now() END)
RETURNING id;
