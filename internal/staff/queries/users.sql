-- Staff accounts.

-- name: InsertUser :one
INSERT INTO staff_users (email, role, password_hash) VALUES (@email, @role, @password_hash)
RETURNING id, email, role, created_at, disabled_at;

-- name: UserByEmail :one
SELECT id, email, role, created_at, disabled_at, password_hash FROM staff_users WHERE email = @email;

-- name: ListUsers :many
SELECT id, email, role, created_at, disabled_at FROM staff_users ORDER BY email;

-- name: DisableUser :one
UPDATE staff_users SET disabled_at = now(), updated_at = now()
WHERE id = @id AND disabled_at IS NULL RETURNING email;

-- name: EnableUser :one
UPDATE staff_users SET disabled_at = NULL, updated_at = now()
WHERE id = @id AND disabled_at IS NOT NULL RETURNING email;

-- name: UserExists :one
SELECT true FROM staff_users WHERE id = @id;

-- name: ActiveAdmins :many
SELECT id FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id;

-- name: ActiveUserEmail :one
SELECT email FROM staff_users WHERE id = @id AND disabled_at IS NULL;
