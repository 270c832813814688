-- Evidence sent with a complaint keeps counting against the client that
-- uploaded it for 24 hours, IPv6 uploads also count per /48, and the
-- public evidence sent in one day (UTC) is counted for a daily cap.
--
-- Before this, sending a draft deleted its files and the delete trigger
-- gave their bytes back to the client, so permanent storage was limited
-- only by the complaint rate. Now a sent draft's rows stay, emptied of
-- their data and marked sent_at, until 24 hours after sending; only then
-- does the cleanup delete them and release the client's (and /48's)
-- bytes. The store for unsent drafts (scope 'all') is released at send,
-- since the data has left the drafts.
ALTER TABLE complaint_drafts
    -- When the draft's complaint was sent; NULL while it waits.
    ADD COLUMN sent_at timestamptz,
    -- A keyed hash of the uploader's IPv6 /48 (never the address); NULL
    -- for IPv4.
    ADD COLUMN net_key bytea;

ALTER TABLE complaint_draft_usage DROP CONSTRAINT complaint_draft_usage_scope_check;
-- 'net' counts one IPv6 /48; 'day' the public evidence bytes sent on one
-- UTC day, keyed by the date as text.
ALTER TABLE complaint_draft_usage ADD CONSTRAINT complaint_draft_usage_scope_check
    CHECK (scope IN ('draft', 'client', 'net', 'all', 'day'));

-- Rows are locked in the uploads' order (draft, client, net, all), so a
-- delete and an upload never wait on each other in a cycle. A sent row
-- was already taken out of 'all' when it was sent.
CREATE OR REPLACE FUNCTION complaint_drafts_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE complaint_draft_usage u SET bytes = u.bytes - g.bytes, files = u.files - g.files
      FROM (SELECT draft_key AS key, sum(size_bytes) AS bytes, count(*) AS files FROM gone GROUP BY draft_key) g
     WHERE u.scope = 'draft' AND u.key = g.key;
    UPDATE complaint_draft_usage u SET bytes = u.bytes - g.bytes, files = u.files - g.files
      FROM (SELECT client_key AS key, sum(size_bytes) AS bytes, count(*) AS files FROM gone GROUP BY client_key) g
     WHERE u.scope = 'client' AND u.key = g.key;
    UPDATE complaint_draft_usage u SET bytes = u.bytes - g.bytes, files = u.files - g.files
      FROM (SELECT net_key AS key, sum(size_bytes) AS bytes, count(*) AS files FROM gone
             WHERE net_key IS NOT NULL GROUP BY net_key) g
     WHERE u.scope = 'net' AND u.key = g.key;
    UPDATE complaint_draft_usage u SET bytes = u.bytes - g.bytes, files = u.files - g.files
      FROM (SELECT sum(size_bytes) AS bytes, count(*) AS files FROM gone WHERE sent_at IS NULL) g
     WHERE u.scope = 'all' AND g.files > 0;
    DELETE FROM complaint_draft_usage u
     WHERE u.scope IN ('draft', 'client', 'net') AND u.files <= 0
       AND (u.key IN (SELECT draft_key FROM gone) OR u.key IN (SELECT client_key FROM gone)
            OR u.key IN (SELECT net_key FROM gone WHERE net_key IS NOT NULL));
    RETURN NULL;
END $$;
