-- The record of applied migrations. The migrator creates it itself (it
-- must exist before the first migration runs), so it is not a migration;
-- sqlc reads it as part of internal/database's schema.

-- query: create
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
