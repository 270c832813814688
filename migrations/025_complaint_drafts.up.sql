-- Evidence files uploaded to the public complaint form before the complaint
-- is sent. The typed answers live only in the person's encrypted cookie;
-- files are too large for that, so they wait here, keyed by the SHA-256 of
-- the random draft id held in that cookie (the table alone cannot be used
-- to take over someone's draft). Rows expire after 24 hours and a periodic
-- job deletes them; a submitted complaint's files are copied into its own
-- evidence in the submit transaction and their draft rows deleted after.
CREATE TABLE complaint_drafts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draft_key    bytea       NOT NULL CHECK (length(draft_key) = 32),
    filename     text        NOT NULL CHECK (btrim(filename) <> ''),
    content_type text        NOT NULL,
    size_bytes   integer     NOT NULL CHECK (size_bytes > 0),
    data         bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL DEFAULT now() + interval '24 hours'
);
CREATE INDEX complaint_drafts_key_idx ON complaint_drafts (draft_key, id);
CREATE INDEX complaint_drafts_expires_idx ON complaint_drafts (expires_at);
