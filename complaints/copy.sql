-- COPY statements, which sqlc cannot generate: DraftStore.Add streams a file
-- into complaint_drafts in COPY's binary format (draftCopyStream), so the
-- file is never held whole in memory.

-- query: draft_file
COPY complaint_drafts (draft_key, client_key, net_key, filename, content_type, size_bytes, data, expires_at) FROM STDIN BINARY
