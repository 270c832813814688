-- Quotas on evidence waiting in complaint drafts. Anyone may start a draft
-- and upload to it without an account, so the bytes held for unsent
-- drafts are counted per draft, per client (network address) and in all,
-- and an upload is refused once a count would pass its limit.
--
-- The counts live in complaint_draft_usage, one row per draft, per client
-- and one for everything (scope 'all'). An upload adds to its three rows
-- in one INSERT ... ON CONFLICT DO UPDATE ... WHERE statement that checks
-- the limit and adds together under the rows' locks, so concurrent uploads
-- cannot pass a limit between a check and an add. Deleting draft files
-- (sent, removed or expired) gives their bytes back through the trigger
-- below, in the deleting transaction, so the counts never drift.
ALTER TABLE complaint_drafts
    -- A keyed hash of the uploader's network address (never the address).
    ADD COLUMN client_key bytea NOT NULL DEFAULT '\x';
CREATE INDEX complaint_drafts_client_idx ON complaint_drafts (client_key);

CREATE TABLE complaint_draft_usage (
    scope text   NOT NULL CHECK (scope IN ('draft', 'client', 'all')),
    key   bytea  NOT NULL,
    bytes bigint NOT NULL,
    files integer NOT NULL,
    PRIMARY KEY (scope, key)
);

INSERT INTO complaint_draft_usage (scope, key, bytes, files)
SELECT 'draft', draft_key, sum(size_bytes), count(*) FROM complaint_drafts GROUP BY draft_key
UNION ALL
SELECT 'client', client_key, sum(size_bytes), count(*) FROM complaint_drafts GROUP BY client_key
UNION ALL
SELECT 'all', '\x', coalesce(sum(size_bytes), 0), count(*) FROM complaint_drafts;

-- Rows are locked in the uploads' order (draft, then client, then all),
-- so a delete and an upload never wait on each other in a cycle.
CREATE FUNCTION complaint_drafts_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE complaint_draft_usage u SET bytes = u.bytes - g.bytes, files = u.files - g.files
      FROM (SELECT draft_key AS key, sum(size_bytes) AS bytes, count(*) AS files FROM gone GROUP BY draft_key) g
     WHERE u.scope = 'draft' AND u.key = g.key;
    UPDATE complaint_draft_usage u SET bytes = u.bytes - g.bytes, files = u.files - g.files
      FROM (SELECT client_key AS key, sum(size_bytes) AS bytes, count(*) AS files FROM gone GROUP BY client_key) g
     WHERE u.scope = 'client' AND u.key = g.key;
    UPDATE complaint_draft_usage u SET bytes = u.bytes - g.bytes, files = u.files - g.files
      FROM (SELECT sum(size_bytes) AS bytes, count(*) AS files FROM gone) g
     WHERE u.scope = 'all' AND g.files > 0;
    -- Rows of drafts and clients with nothing left go, so the table stays
    -- as small as the drafts in progress.
    DELETE FROM complaint_draft_usage u
     WHERE u.scope <> 'all' AND u.files <= 0
       AND (u.key IN (SELECT draft_key FROM gone) OR u.key IN (SELECT client_key FROM gone));
    RETURN NULL;
END $$;

CREATE TRIGGER complaint_drafts_release AFTER DELETE ON complaint_drafts
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION complaint_drafts_release();
