-- Election monitoring: surge alerts per party and channel, the daily
-- digest, and the record of every message sent to the political team
-- about them (one row per recipient, so a retried job never sends twice).

CREATE TABLE alerts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id  bigint      NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    party_id     bigint      NOT NULL REFERENCES parties (id),
    channel      text        NOT NULL,
    window_start timestamptz NOT NULL,
    window_end   timestamptz NOT NULL,
    count_24h    integer     NOT NULL CHECK (count_24h >= 0),
    mean_7d      numeric(10, 2) NOT NULL CHECK (mean_7d >= 0),
    min_count    integer     NOT NULL,
    factor       numeric(6, 2) NOT NULL,
    status       text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_by    bigint      REFERENCES staff_users (id),
    closed_at    timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_party_channel_idx ON alerts (party_id, channel, created_at DESC);
CREATE INDEX alerts_open_idx ON alerts (created_at DESC) WHERE status = 'open';

-- One digest per election per day (Europe/London date).
CREATE TABLE sent_digests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id bigint      NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    digest_date date        NOT NULL,
    subject     text        NOT NULL,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (election_id, digest_date)
);

-- Each message to one member of the political team. The subject and body
-- are fixed when the row is written, so every recipient gets the same
-- text and a retry sends exactly what was meant.
CREATE TABLE team_notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('alert', 'digest')),
    ref_id     bigint      NOT NULL,
    user_id    bigint      NOT NULL REFERENCES staff_users (id),
    email      text        NOT NULL,
    subject    text        NOT NULL,
    body       text        NOT NULL,
    sent_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, ref_id, user_id)
);
CREATE INDEX team_notifications_unsent_idx ON team_notifications (id) WHERE sent_at IS NULL;
