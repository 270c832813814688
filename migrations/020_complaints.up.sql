-- Complaints from the public (form, API) and staff imports. Personal data
-- about the complainant lives in complainants, and evidence in
-- complaint_evidence, so both can be erased after the retention period
-- while the anonymised complaint stays for reporting.

CREATE TABLE complaints (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference            text        NOT NULL UNIQUE CHECK (reference ~ '^CW-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$'),
    source               text        NOT NULL CHECK (btrim(source) <> ''),
    source_id            text,
    channel              text        NOT NULL CHECK (channel IN (
        'sms', 'email', 'automated_call', 'live_call', 'bcc_breach', 'social_media_ad', 'other'
    )),
    party_id             bigint      REFERENCES parties (id),
    party_text           text        NOT NULL DEFAULT '',
    election_id          bigint      REFERENCES elections (id) ON DELETE SET NULL,
    received_at          timestamptz NOT NULL,
    received_at_has_time boolean     NOT NULL DEFAULT false,
    sender               text        NOT NULL DEFAULT '',
    sender_normalized    text        NOT NULL DEFAULT '',
    message              text        NOT NULL DEFAULT '',
    description          text        NOT NULL DEFAULT '',
    consent              text        NOT NULL DEFAULT 'unsure' CHECK (consent IN ('yes', 'no', 'unsure')),
    opted_out            boolean,
    tps_registered       boolean,
    sender_identified    boolean,
    opt_out_offered      boolean,
    recipients_visible   integer     CHECK (recipients_visible BETWEEN 0 AND 1000000),
    special_category     boolean,
    targeting_reason     text        NOT NULL DEFAULT '',
    lang                 text        NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'cy')),
    -- dedupe_hash is sha256(normalised sender, message, complainant): equal
    -- hashes within 24 hours are the same complaint sent twice.
    dedupe_hash          bytea       NOT NULL,
    duplicate_of_id      bigint      REFERENCES complaints (id),
    idempotency_key      text,
    status               text        NOT NULL DEFAULT 'new' CHECK (btrim(status) <> ''),
    priority             text        CHECK (priority IN ('urgent', 'high', 'medium', 'low')),
    triage_requested_at  timestamptz,
    acknowledged_at      timestamptz,
    closed_at            timestamptz,
    anonymised_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX complaints_source_key ON complaints (source, source_id) WHERE source_id IS NOT NULL;
CREATE UNIQUE INDEX complaints_idempotency_key ON complaints (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX complaints_dedupe_idx ON complaints (dedupe_hash, created_at);
CREATE INDEX complaints_created_idx ON complaints (created_at DESC, id DESC);
CREATE INDEX complaints_party_idx ON complaints (party_id, created_at DESC);
CREATE INDEX complaints_election_idx ON complaints (election_id, created_at DESC);
CREATE INDEX complaints_sender_idx ON complaints (sender_normalized, received_at);
CREATE INDEX complaints_duplicate_idx ON complaints (duplicate_of_id) WHERE duplicate_of_id IS NOT NULL;
CREATE INDEX complaints_retention_idx ON complaints (coalesce(closed_at, created_at)) WHERE anonymised_at IS NULL;

CREATE TABLE complainants (
    complaint_id bigint      PRIMARY KEY REFERENCES complaints (id) ON DELETE CASCADE,
    name         text        NOT NULL DEFAULT '',
    email        text        NOT NULL DEFAULT '',
    phone        text        NOT NULL DEFAULT '',
    postcode     text        NOT NULL DEFAULT '',
    may_contact  boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE complaint_evidence (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id bigint      NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    filename     text        NOT NULL,
    content_type text        NOT NULL,
    size         integer     NOT NULL CHECK (size > 0),
    sha256       bytea       NOT NULL,
    data         bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaint_evidence_complaint_idx ON complaint_evidence (complaint_id);
