-- Upserting parties and their contacts by name and email
-- (parties.Store.Upsert).

-- name: UpsertParty :one
-- Returns the id of a party added or changed; no row when it was already
-- as given.
INSERT INTO parties (name, short_name, aliases, nations)
VALUES (@name, @short_name, @aliases, @nations)
ON CONFLICT (lower(name)) DO UPDATE
SET short_name = EXCLUDED.short_name, aliases = EXCLUDED.aliases, nations = EXCLUDED.nations, updated_at = now()
WHERE (parties.short_name, parties.aliases, parties.nations) IS DISTINCT FROM (EXCLUDED.short_name, EXCLUDED.aliases, EXCLUDED.nations)
RETURNING id;

-- name: PartyIDByName :one
SELECT id FROM parties WHERE lower(name) = lower(@name);

-- name: AddContactUnlessKnown :execrows
INSERT INTO party_contacts (party_id, name, position, email, role, active, language)
VALUES (@party_id, @name, @position, @email, @role, @active, sqlc.narg(language))
ON CONFLICT (party_id, lower(email)) DO NOTHING;
