-- Letter templates: versioned, never overwritten.

-- name: SeedTemplate :execrows
INSERT INTO letter_templates (name, version, source, note)
SELECT @name::text, 1, @source::text, 'shipped with campaignwatch'
WHERE NOT EXISTS (SELECT 1 FROM letter_templates WHERE name = @name::text);

-- name: LatestTemplates :many
SELECT t.id, t.name, t.version, t.source, t.note, COALESCE(u.email, 'system')::text AS created_by, t.created_at,
  (SELECT count(*) FROM letters l WHERE l.template_id = t.id) AS letters
FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.version = (SELECT max(version) FROM letter_templates x WHERE x.name = t.name) ORDER BY t.name;

-- name: TemplateVersions :many
SELECT t.id, t.name, t.version, t.source, t.note, COALESCE(u.email, 'system')::text AS created_by, t.created_at,
  (SELECT count(*) FROM letters l WHERE l.template_id = t.id) AS letters
FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.name = @name ORDER BY t.version DESC;

-- name: GetTemplate :one
-- Version 0 is the latest.
SELECT t.id, t.name, t.version, t.source, t.note, COALESCE(u.email, 'system')::text AS created_by, t.created_at,
  (SELECT count(*) FROM letters l WHERE l.template_id = t.id) AS letters
FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.name = @name AND (@version::int = 0 OR t.version = @version::int) ORDER BY t.version DESC LIMIT 1;

-- name: LockTemplateName :exec
SELECT pg_advisory_xact_lock(hashtext('letter_template:' || @name::text));

-- name: SaveTemplate :one
INSERT INTO letter_templates (name, version, source, note, created_by)
VALUES (@name::text, (SELECT COALESCE(max(version), 0) + 1 FROM letter_templates WHERE name = @name::text), @source, @note, @created_by)
RETURNING id, version;
