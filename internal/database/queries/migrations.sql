-- The migrator's bookkeeping and its advisory lock.

-- name: LockMigrations :exec
-- A session-level lock: a second migrating process blocks here until the
-- first has finished.
SELECT pg_advisory_lock(@key::bigint);

-- name: UnlockMigrations :exec
SELECT pg_advisory_unlock(@key::bigint);

-- name: AppliedMigrations :many
SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version;

-- name: RecordMigration :exec
INSERT INTO schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum);

-- name: MigrationsTableExists :one
SELECT (to_regclass('schema_migrations') IS NOT NULL)::boolean AS exists;

-- name: SetStatementTimeout :exec
-- Sets statement_timeout for the rest of the transaction (milliseconds,
-- "0" for none).
SELECT set_config('statement_timeout', @timeout::text, true);
