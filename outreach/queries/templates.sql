-- Letter templates: versioned per language ('en', 'cy'), never overwritten.

-- name: LatestTemplateForSeed :one
SELECT id, version, source, seeded FROM letter_templates
WHERE name = @name::text AND lang = @lang::text ORDER BY version DESC LIMIT 1;

-- name: InsertSeededTemplate :one
INSERT INTO letter_templates (name, lang, version, source, note, seeded)
VALUES (@name::text, @lang::text,
  (SELECT COALESCE(max(version), 0) + 1 FROM letter_templates WHERE name = @name::text AND lang = @lang::text),
  @source::text, @note::text, true)
RETURNING id, version;

-- name: LatestTemplates :many
-- The latest version of every template in every language.
SELECT t.id, t.name, t.lang, t.version, t.source, t.note, COALESCE(u.email, 'system')::text AS created_by, t.created_at,
  (SELECT count(*) FROM letters l WHERE l.template_id = t.id OR l.template_cy_id = t.id) AS letters
FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.version = (SELECT max(version) FROM letter_templates x WHERE x.name = t.name AND x.lang = t.lang)
ORDER BY t.name, t.lang DESC;

-- name: TemplateVersions :many
SELECT t.id, t.name, t.lang, t.version, t.source, t.note, COALESCE(u.email, 'system')::text AS created_by, t.created_at,
  (SELECT count(*) FROM letters l WHERE l.template_id = t.id OR l.template_cy_id = t.id) AS letters
FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.name = @name AND t.lang = @lang ORDER BY t.version DESC;

-- name: GetTemplate :one
-- Version 0 is the latest.
SELECT t.id, t.name, t.lang, t.version, t.source, t.note, COALESCE(u.email, 'system')::text AS created_by, t.created_at,
  (SELECT count(*) FROM letters l WHERE l.template_id = t.id OR l.template_cy_id = t.id) AS letters
FROM letter_templates t LEFT JOIN staff_users u ON u.id = t.created_by
WHERE t.name = @name AND t.lang = @lang AND (@version::int = 0 OR t.version = @version::int) ORDER BY t.version DESC LIMIT 1;

-- name: LockTemplateName :exec
SELECT pg_advisory_xact_lock(hashtext('letter_template:' || @name::text));

-- name: SaveTemplate :one
INSERT INTO letter_templates (name, lang, version, source, note, created_by)
VALUES (@name::text, @lang::text,
  (SELECT COALESCE(max(version), 0) + 1 FROM letter_templates WHERE name = @name::text AND lang = @lang::text),
  @source, @note, @created_by)
RETURNING id, version;
