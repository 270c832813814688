-- name: LockSettings :exec
-- Saves take this transaction-scoped lock, so two admins saving at once
-- get consecutive versions, each computed against the one before it.
SELECT pg_advisory_xact_lock(hashtext('organisation_settings'));

-- name: LatestSettings :one
SELECT version, settings FROM organisation_settings ORDER BY version DESC LIMIT 1;

-- name: SettingsVersion :one
SELECT s.version, s.settings, s.note, s.saved_at, coalesce(u.email, s.saved_by_label)::text AS saved_by
FROM organisation_settings s LEFT JOIN staff_users u ON u.id = s.saved_by
WHERE s.version = @version;

-- name: ListVersions :many
SELECT s.version, s.note, s.saved_at, coalesce(u.email, s.saved_by_label)::text AS saved_by
FROM organisation_settings s LEFT JOIN staff_users u ON u.id = s.saved_by
ORDER BY s.version DESC;

-- name: InsertVersion :execrows
-- ON CONFLICT makes seeding the first version idempotent: of two
-- processes seeding at once, one inserts and the other sees 0 rows.
INSERT INTO organisation_settings (version, settings, note, saved_by, saved_by_label)
VALUES (@version, @settings, @note, @saved_by, @saved_by_label)
ON CONFLICT (version) DO NOTHING;
