-- API tokens: only the SHA-256 of each token is stored.

-- name: InsertToken :one
INSERT INTO api_tokens (user_id, token_hash, prefix, expires_at) VALUES (@user_id, @token_hash, @prefix, now() + @lifetime::interval)
RETURNING id, created_at, expires_at;

-- name: ListTokens :many
-- email '' lists every user's tokens; include_all includes revoked and expired ones.
SELECT t.id, t.user_id, u.email, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
FROM api_tokens t JOIN staff_users u ON u.id = t.user_id
WHERE (@email::text = '' OR u.email = @email::text) AND (@include_all::boolean OR (t.revoked_at IS NULL AND t.expires_at > now()))
ORDER BY u.email, t.id;

-- name: RevokeToken :many
UPDATE api_tokens SET revoked_at = now() WHERE id = @id AND revoked_at IS NULL RETURNING id;

-- name: RevokeTokensOf :many
UPDATE api_tokens SET revoked_at = now()
WHERE revoked_at IS NULL AND user_id = (SELECT id FROM staff_users WHERE email = @email)
RETURNING id;

-- name: RevokeUserTokens :execrows
UPDATE api_tokens SET revoked_at = now() WHERE user_id = @user_id AND revoked_at IS NULL;

-- name: TokenUser :one
SELECT u.id, u.email, u.role, u.created_at, u.disabled_at, t.id AS token_id, t.expires_at, (t.expires_at <= now())::boolean AS expired
FROM api_tokens t JOIN staff_users u ON u.id = t.user_id
WHERE t.token_hash = @token_hash AND t.revoked_at IS NULL AND u.disabled_at IS NULL;

-- name: TouchToken :exec
UPDATE api_tokens SET last_used_at = now() WHERE id = @id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
