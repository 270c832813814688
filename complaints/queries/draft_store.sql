-- name: DraftFiles :many
SELECT id, filename, size_bytes FROM complaint_drafts
WHERE draft_key = @draft_key AND expires_at > now() AND sent_at IS NULL
ORDER BY id;

-- name: ReserveDraftUsage :many
-- Adds the file to its draft's, its client's and the overall counts (and
-- its /48's, when it has one), each only if it stays within its limit,
-- and returns the scopes it was added to. A count's row is locked from
-- this statement to the end of the transaction, so a concurrent upload
-- waits and then sees this one's bytes; a refused scope is missing from
-- the result and the caller rolls back.
INSERT INTO complaint_draft_usage AS u (scope, key, bytes, files)
SELECT v.scope, v.key, @size::bigint, 1
  FROM (VALUES ('draft', @draft_key::bytea, @draft_max::bigint), ('client', @client_key::bytea, @client_max::bigint),
               ('net', sqlc.narg(net_key)::bytea, @net_max::bigint), ('all', '\x'::bytea, @total_max::bigint)) AS v (scope, key, max_bytes)
 WHERE @size::bigint <= v.max_bytes AND v.key IS NOT NULL
ON CONFLICT (scope, key) DO UPDATE SET bytes = u.bytes + excluded.bytes, files = u.files + excluded.files
 WHERE u.bytes + excluded.bytes <= CASE u.scope WHEN 'draft' THEN @draft_max::bigint WHEN 'client' THEN @client_max::bigint
                                               WHEN 'net' THEN @net_max::bigint ELSE @total_max::bigint END
   AND (u.scope <> 'draft' OR u.files < @max_files::int)
RETURNING u.scope;

-- name: DraftUsage :many
-- The counts an upload is checked against: its draft's, its client's, its
-- /48's, everyone's, and today's (UTC) sent evidence.
SELECT scope, bytes, files FROM complaint_draft_usage
WHERE (scope = 'draft' AND key = @draft_key::bytea) OR (scope = 'client' AND key = @client_key::bytea)
   OR (scope = 'net' AND key = sqlc.narg(net_key)::bytea)
   OR scope = 'all' OR (scope = 'day' AND key = convert_to(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'UTF8'));

-- name: RemoveDraftFile :exec
-- A sent file cannot be removed: its bytes count for its client until the
-- cleanup deletes it, 24 hours after sending.
DELETE FROM complaint_drafts WHERE draft_key = @draft_key AND id = @id AND sent_at IS NULL;

-- name: RemoveDraft :exec
DELETE FROM complaint_drafts WHERE draft_key = @draft_key AND sent_at IS NULL;

-- name: ExpireDraftFiles :execrows
DELETE FROM complaint_drafts WHERE expires_at <= now();

-- name: ExpireDayCounts :exec
-- Drops the daily counts of sent evidence for days before yesterday.
DELETE FROM complaint_draft_usage WHERE scope = 'day'
  AND key < convert_to(to_char((now() AT TIME ZONE 'UTC') - interval '1 day', 'YYYY-MM-DD'), 'UTF8');
