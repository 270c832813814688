-- The party registry.

-- name: ListParties :many
-- nation and active are optional filters (NULL matches every party).
SELECT p.id, p.name, p.short_name, p.aliases, coalesce(p.registration_number, '')::text AS registration_number, p.nations, p.active, p.created_at, p.updated_at,
       (SELECT count(*) FROM party_contacts c WHERE c.party_id = p.id) AS contacts,
       (SELECT count(*) FROM party_contacts c WHERE c.party_id = p.id AND c.active) AS active_contacts
FROM parties p
WHERE (sqlc.narg(nation)::text IS NULL OR sqlc.narg(nation)::text = ANY (p.nations))
  AND (sqlc.narg(active)::boolean IS NULL OR p.active = sqlc.narg(active)::boolean)
ORDER BY lower(p.name);

-- name: ActiveNames :many
-- The active parties' ids and names, as the public complaint form lists them.
SELECT id, name FROM parties WHERE active ORDER BY lower(name);

-- name: AllParties :many
SELECT p.id, p.name, p.short_name, p.aliases, coalesce(p.registration_number, '')::text AS registration_number, p.nations, p.active, p.created_at, p.updated_at
FROM parties p ORDER BY lower(p.name);

-- name: GetParty :one
SELECT p.id, p.name, p.short_name, p.aliases, coalesce(p.registration_number, '')::text AS registration_number, p.nations, p.active, p.created_at, p.updated_at
FROM parties p WHERE p.id = @id;

-- name: LockParty :one
SELECT p.id, p.name, p.short_name, p.aliases, coalesce(p.registration_number, '')::text AS registration_number, p.nations, p.active, p.created_at, p.updated_at
FROM parties p WHERE p.id = @id FOR UPDATE;

-- name: InsertParty :one
INSERT INTO parties (name, short_name, aliases, registration_number, nations, active)
VALUES (@name, @short_name, @aliases, nullif(@registration_number::text, ''), @nations, @active)
RETURNING id, created_at, updated_at;

-- name: UpdateParty :one
UPDATE parties SET name = @name, short_name = @short_name, aliases = @aliases, registration_number = nullif(@registration_number::text, ''),
       nations = @nations, active = @active, updated_at = now()
WHERE id = @id
RETURNING updated_at;

-- name: LockRegistry :exec
-- Holds off other writers (imports and page edits) for an import.
LOCK TABLE parties, party_contacts IN SHARE ROW EXCLUSIVE MODE;
