-- Party contacts.

-- name: AllContacts :many
SELECT c.id, c.party_id, c.name, c.position, c.email, c.role, c.active, c.needs_review, c.review_reason, c.language, c.created_at, c.updated_at
FROM party_contacts c ORDER BY c.party_id, c.id;

-- name: PartyContacts :many
SELECT c.id, c.party_id, c.name, c.position, c.email, c.role, c.active, c.needs_review, c.review_reason, c.language, c.created_at, c.updated_at
FROM party_contacts c WHERE c.party_id = @party_id ORDER BY NOT c.active, lower(c.name), c.id;

-- name: GetContact :one
SELECT c.id, c.party_id, c.name, c.position, c.email, c.role, c.active, c.needs_review, c.review_reason, c.language, c.created_at, c.updated_at
FROM party_contacts c WHERE c.party_id = @party_id AND c.id = @id;

-- name: LockContact :one
SELECT c.id, c.party_id, c.name, c.position, c.email, c.role, c.active, c.needs_review, c.review_reason, c.language, c.created_at, c.updated_at
FROM party_contacts c WHERE c.party_id = @party_id AND c.id = @id FOR UPDATE;

-- name: InsertContact :one
INSERT INTO party_contacts (party_id, name, position, email, role, active, needs_review, review_reason, language)
VALUES (@party_id, @name, @position, @email, @role, @active, @needs_review, @review_reason, sqlc.narg(language))
RETURNING id, created_at, updated_at;

-- name: UpdateContact :one
UPDATE party_contacts SET name = @name, position = @position, email = @email, role = @role, active = @active,
       needs_review = @needs_review, review_reason = @review_reason, language = sqlc.narg(language), updated_at = now()
WHERE party_id = @party_id AND id = @id
RETURNING updated_at;

-- name: FlagContact :exec
-- Flags a contact for review (a letter to it bounced).
UPDATE party_contacts SET needs_review = true, review_reason = @reason, updated_at = now() WHERE id = @id;
