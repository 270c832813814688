-- Exports: report_exports and report_export_chunks are reports' own tables.

-- name: InsertExport :one
INSERT INTO report_exports (requested_by, format, filter, expires_at)
VALUES (@requested_by, @format, @filter, now() + (@keep::text)::interval)
RETURNING id;

-- name: GetLiveExport :one
-- An export as its requester sees it: gone once it has expired.
SELECT id, requested_by, format, filter, state, rows_total, rows_done, size_bytes, sha256, error, created_at, finished_at, expires_at
FROM report_exports WHERE id = @id AND expires_at > now();

-- name: GetExport :one
SELECT id, requested_by, format, filter, state, rows_total, rows_done, size_bytes, sha256, error, created_at, finished_at, expires_at
FROM report_exports WHERE id = @id;

-- name: GetChunk :one
SELECT data FROM report_export_chunks WHERE export_id = @export_id AND seq = @seq;

-- name: InsertChunk :exec
INSERT INTO report_export_chunks (export_id, seq, data) VALUES (@export_id, @seq, @data);

-- name: DeleteChunks :exec
DELETE FROM report_export_chunks WHERE export_id = @export_id;

-- name: StartExport :exec
UPDATE report_exports SET state = 'running', started_at = now(), rows_done = 0, error = '' WHERE id = @id;

-- name: ExportProgress :exec
UPDATE report_exports SET rows_done = @rows_done, rows_total = @rows_total WHERE id = @id;

-- name: FailExport :exec
UPDATE report_exports SET state = 'failed', error = @error, finished_at = now() WHERE id = @id;

-- name: FinishExport :exec
UPDATE report_exports SET state = 'done', size_bytes = @size_bytes, sha256 = @sha256, rows_done = rows_total,
    finished_at = now(), expires_at = now() + (@keep::text)::interval
WHERE id = @id;

-- name: DeleteExpiredExports :execrows
DELETE FROM report_exports WHERE expires_at <= now();
