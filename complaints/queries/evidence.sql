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
