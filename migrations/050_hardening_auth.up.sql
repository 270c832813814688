-- Sign-in throttling that counts and checks in one locked row per key, so
-- parallel attempts cannot all slip past the limit (the old count-then-
-- insert on login_failures raced). A key is one of:
--   'pair:<account>|<client>'  one account from one client address;
--   'client:<client>'          one client address across accounts;
--   'account:<account>'        one account from every address (a ceiling
--                              against guessing spread over many addresses).
-- An attempt is reserved as a failure before the password is checked and
-- refunded when it succeeds.
CREATE TABLE login_throttle (
    key          text        PRIMARY KEY,
    failures     integer     NOT NULL CHECK (failures >= 0),
    last_failure timestamptz NOT NULL DEFAULT now(),
    -- No attempt on this key is checked before next_at: the progressive
    -- delay once the free budget is spent.
    next_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure);

-- The per-request failure log is replaced by login_throttle.
DROP TABLE login_failures;

-- API tokens expire. Tokens issued before expiry existed get 90 days from
-- their creation, but at least 30 days from now, so that applying this
-- migration does not cut off an integration without notice.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
UPDATE api_tokens SET expires_at = greatest(created_at + interval '90 days', now() + interval '30 days');
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
