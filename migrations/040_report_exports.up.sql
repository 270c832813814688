-- Trend exports too large to stream back at once are written by a job on
-- the reports queue. The file is kept in 1 MiB chunks so neither writing
-- nor downloading it needs the whole file in memory, and is deleted by a
-- periodic job when it expires.
CREATE TABLE report_exports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requested_by bigint      REFERENCES staff_users (id),
    kind         text        NOT NULL DEFAULT 'trends' CHECK (kind IN ('trends')),
    format       text        NOT NULL CHECK (format IN ('xlsx', 'csv')),
    filter       jsonb       NOT NULL,
    state        text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    rows_total   integer     NOT NULL DEFAULT 0,
    rows_done    integer     NOT NULL DEFAULT 0,
    size_bytes   bigint      NOT NULL DEFAULT 0,
    sha256       text        NOT NULL DEFAULT '',
    error        text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX report_exports_requested_idx ON report_exports (requested_by, created_at DESC);
CREATE INDEX report_exports_expires_idx ON report_exports (expires_at);

CREATE TABLE report_export_chunks (
    export_id bigint  NOT NULL REFERENCES report_exports (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    data      bytea   NOT NULL,
    PRIMARY KEY (export_id, seq)
);
