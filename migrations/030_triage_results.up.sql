-- Triage results: one row per run of the rulebook over a complaint. Rows
-- are never updated except to move the "current" flag, so the history of
-- every re-triage after a rulebook change stays readable. Running the same
-- rulebook (version and content hash) over a complaint again adds nothing.

CREATE TABLE triage_results (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id     bigint      NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    rulebook_version text        NOT NULL CHECK (btrim(rulebook_version) <> ''),
    rulebook_hash    text        NOT NULL CHECK (btrim(rulebook_hash) <> ''),
    channel          text        NOT NULL,
    channels         text[]      NOT NULL DEFAULT '{}',
    provisions       text[]      NOT NULL DEFAULT '{}',
    guidance         text[]      NOT NULL DEFAULT '{}',
    score            integer     NOT NULL CHECK (score BETWEEN 0 AND 100),
    priority         text        NOT NULL CHECK (priority IN ('urgent', 'high', 'medium', 'low')),
    actions          text[]      NOT NULL DEFAULT '{}',
    rationale        jsonb       NOT NULL DEFAULT '[]'::jsonb,
    -- context is what the engine was told about the world at the time
    -- (same-sender count, cluster size, elections in period), so a result
    -- can be explained later even after the world has moved on.
    context          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    is_current       boolean     NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (complaint_id, rulebook_version, rulebook_hash)
);
CREATE UNIQUE INDEX triage_results_current_key ON triage_results (complaint_id) WHERE is_current;
CREATE INDEX triage_results_channel_idx ON triage_results (channel) WHERE is_current;

-- The sender index: every triaged complaint's sender in the triage engine's
-- normalised form (E.164 numbers, lower-case emails, folded advertiser
-- names), which is what "complaints about the same sender" counts by.
CREATE TABLE complaint_senders (
    complaint_id bigint      PRIMARY KEY REFERENCES complaints (id) ON DELETE CASCADE,
    sender_key   text        NOT NULL CHECK (btrim(sender_key) <> ''),
    received_at  timestamptz NOT NULL
);
CREATE INDEX complaint_senders_key_idx ON complaint_senders (sender_key, received_at);
