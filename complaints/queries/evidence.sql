-- name: DraftFilesToSend :one
-- The ids of a draft's files that EvidenceFromDraft will copy, locked so
-- the cleanup cannot delete one before the copy.
SELECT coalesce(array_agg(id ORDER BY id), '{}')::bigint[] AS ids FROM (
SELECT id FROM complaint_drafts WHERE draft_key = @draft_key AND expires_at > now() AND sent_at IS NULL FOR UPDATE) f;

-- name: EvidenceFromDraft :exec
-- Within the submit transaction now() does not move, so this copies
-- exactly the files DraftFilesToSend found and locked.
INSERT INTO complaint_evidence (complaint_id, filename, content_type, size, sha256, data)
SELECT @complaint_id, filename, content_type, size_bytes, sha256(data), data FROM complaint_drafts
WHERE draft_key = @draft_key AND expires_at > now() AND sent_at IS NULL ORDER BY id;

-- name: MarkDraftSent :exec
-- Marks the copied files sent: their data goes (the complaint has its own
-- copy), but the rows stay for 24 hours so their bytes keep counting
-- against their client and /48 (see drafts.go). They leave the unsent
-- drafts' store ('all') and join today's (UTC) count of sent evidence
-- ('day'), keyed by the date as text.
WITH sent AS (
  UPDATE complaint_drafts SET sent_at = now(), data = '\x', expires_at = now() + interval '24 hours'
   WHERE draft_key = @draft_key AND expires_at > now() AND sent_at IS NULL
  RETURNING size_bytes),
total AS (SELECT coalesce(sum(size_bytes), 0) AS bytes, count(*) AS files FROM sent),
freed AS (
  UPDATE complaint_draft_usage u SET bytes = u.bytes - t.bytes, files = u.files - t.files
    FROM total t WHERE u.scope = 'all' AND t.files > 0)
INSERT INTO complaint_draft_usage AS u (scope, key, bytes, files)
SELECT 'day', convert_to(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'UTF8'), bytes, files FROM total WHERE files > 0
ON CONFLICT (scope, key) DO UPDATE SET bytes = u.bytes + excluded.bytes, files = u.files + excluded.files;

-- name: ChargeEvidence :one
-- Adds a submission's inline evidence (size bytes in files files) to its
-- client's, its /48's (when it has one) and today's counts, each only if it
-- stays within its limit, and records the files as sent draft rows (empty,
-- expiring in 24 hours) under a key of their own, so the cleanup's delete
-- gives the client and /48 their bytes back. It returns the scopes it was
-- added to; a refused scope is missing, and the caller rolls the submission
-- back. Checking and adding in one statement under the counts' row locks
-- (taken in the uploads' order, client before net) means concurrent
-- submissions cannot both pass a limit.
WITH charged AS (
INSERT INTO complaint_draft_usage AS u (scope, key, bytes, files)
SELECT v.scope, v.key, sqlc.arg(size)::bigint, sqlc.arg(files)::int
  FROM (VALUES ('client', sqlc.arg(client_key)::bytea, sqlc.arg(client_bytes)::bigint), ('net', sqlc.narg(net_key)::bytea, sqlc.arg(net_bytes)::bigint),
               ('day', convert_to(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'UTF8'), sqlc.arg(day_bytes)::bigint)) AS v (scope, key, max_bytes)
 WHERE @size <= v.max_bytes AND v.key IS NOT NULL
ON CONFLICT (scope, key) DO UPDATE SET bytes = u.bytes + excluded.bytes, files = u.files + excluded.files
 WHERE u.bytes + excluded.bytes <= CASE u.scope WHEN 'client' THEN @client_bytes WHEN 'net' THEN @net_bytes ELSE @day_bytes END
RETURNING u.scope),
kept AS (
INSERT INTO complaint_drafts (draft_key, client_key, net_key, filename, content_type, size_bytes, data, expires_at, sent_at)
SELECT @draft_key, @client_key, sqlc.narg(net_key), f.name, f.type, f.size, '\x', now() + interval '24 hours', now()
  FROM ROWS FROM (unnest(sqlc.arg(filenames)::text[]), unnest(sqlc.arg(content_types)::text[]), unnest(sqlc.arg(sizes)::int[])) AS f (name, type, size))
SELECT coalesce(array_agg(scope), '{}')::text[] AS scopes FROM charged;
