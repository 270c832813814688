-- The template database's lock and lookup; the statements that name a
-- database are in admin.sql.

-- name: LockTemplate :exec
SELECT pg_advisory_lock(@key::bigint);

-- name: UnlockTemplate :exec
SELECT pg_advisory_unlock(@key::bigint);

-- name: DatabaseExists :one
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = @name::text);
