-- The sign-in throttle: one row per budget key.

-- name: ReserveAttempt :one
-- Counts one failure against a key and returns the count, or no row when
-- the key is waiting out its delay. ON CONFLICT DO UPDATE locks the row
-- and evaluates WHERE on its latest version, so the check and the count
-- are one atomic step however many attempts run at once. A key quiet for
-- a whole window starts again from one.
INSERT INTO login_throttle AS t (key, failures) VALUES (@key, 1)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN t.last_failure < now() - @time_window::interval THEN 1 ELSE t.failures + 1 END,
    last_failure = now()
WHERE t.next_at <= now() OR t.last_failure < now() - @time_window::interval
RETURNING failures;

-- name: DelayAttempts :exec
-- Holds off the next check on a key whose free budget is spent.
UPDATE login_throttle SET next_at = now() + @delay::interval WHERE key = @key;

-- name: ThrottleWait :one
SELECT greatest(extract(epoch FROM next_at - now()), 0)::float8 FROM login_throttle WHERE key = @key;

-- name: RefundThrottle :exec
UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = @key;

-- name: PurgeLoginThrottle :execrows
-- Rows quiet for a day exist only to throttle, and a client address is
-- personal data.
DELETE FROM login_throttle WHERE last_failure < now() - interval '1 day' AND next_at < now();
