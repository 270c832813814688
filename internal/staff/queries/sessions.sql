-- Sessions: only the SHA-256 of each token is stored.

-- name: InsertSession :exec
INSERT INTO staff_sessions (token_hash, user_id, expires_at) VALUES (@token_hash, @user_id, @expires_at);

-- name: SessionUser :one
SELECT u.id, u.email, u.role, u.created_at, u.disabled_at, s.last_seen_at
FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
WHERE s.token_hash = @token_hash AND s.expires_at > now() AND s.last_seen_at > now() - @idle::interval
  AND u.disabled_at IS NULL;

-- name: TouchSession :exec
UPDATE staff_sessions SET last_seen_at = now() WHERE token_hash = @token_hash;

-- name: DeleteSession :exec
DELETE FROM staff_sessions WHERE token_hash = @token_hash;

-- name: PurgeSessions :execrows
DELETE FROM staff_sessions WHERE expires_at < now() OR last_seen_at < now() - @idle::interval;

-- name: DeleteUserSessions :exec
-- A disabled user's sessions are deleted, not just refused: nothing of
-- them should come back if the account is enabled again.
DELETE FROM staff_sessions WHERE user_id = @user_id;
