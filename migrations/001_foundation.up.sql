-- Staff accounts, sessions, API tokens, login throttling, the audit log and
-- the party registry the demo data and outreach build on.

CREATE TABLE staff_users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text        NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    role          text        NOT NULL CHECK (role IN ('admin', 'political_team', 'triage_officer', 'analyst')),
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (email);

-- Sessions are stored server-side so they can be revoked; the cookie holds a
-- random token and only its SHA-256 is kept here.
CREATE TABLE staff_sessions (
    token_hash   bytea       PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX staff_sessions_user_idx ON staff_sessions (user_id);
CREATE INDEX staff_sessions_expires_idx ON staff_sessions (expires_at);

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    token_hash   bytea       NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed sign-ins, counted per account and per client address to throttle
-- guessing. Rows older than a day are purged by a periodic job.
CREATE TABLE login_failures (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account   text        NOT NULL,
    client_ip text        NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_account_idx ON login_failures (account, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, failed_at);

-- The audit log is append-only: a trigger refuses UPDATE, DELETE and
-- TRUNCATE so not even a bug in the application can rewrite history.
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_user_id bigint REFERENCES staff_users (id),
    actor         text        NOT NULL,
    action        text        NOT NULL,
    object_type   text        NOT NULL,
    object_id     text        NOT NULL DEFAULT '',
    summary       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    request_id    text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at DESC);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The party registry. Nations use fixed identifiers so elections can select
-- the parties standing in the nations they cover.
CREATE TABLE parties (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                text        NOT NULL CHECK (btrim(name) <> ''),
    short_name          text        NOT NULL DEFAULT '',
    aliases             text[]      NOT NULL DEFAULT '{}',
    registration_number text,
    nations             text[]      NOT NULL CHECK (
        cardinality(nations) > 0
        AND nations <@ ARRAY['england', 'scotland', 'wales', 'northern_ireland']
    ),
    active              boolean     NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX parties_name_key ON parties (lower(name));
CREATE UNIQUE INDEX parties_registration_key ON parties (registration_number)
    WHERE registration_number IS NOT NULL;

CREATE TABLE party_contacts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    party_id      bigint      NOT NULL REFERENCES parties (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    position      text        NOT NULL DEFAULT '',
    email         text        NOT NULL CHECK (email LIKE '%_@_%'),
    role          text        NOT NULL DEFAULT 'data_protection_lead',
    active        boolean     NOT NULL DEFAULT true,
    needs_review  boolean     NOT NULL DEFAULT false,
    review_reason text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX party_contacts_email_key ON party_contacts (party_id, lower(email));
