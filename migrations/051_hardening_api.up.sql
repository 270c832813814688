-- An Idempotency-Key is bound to the request it came with: the SHA-256 of
-- the body is kept beside it, so a repeat of the same request gets the
-- original answer and the same key with a different body is refused (409)
-- rather than silently answered with someone else's complaint. NULL for
-- rows stored before this column existed and for the web form, whose key
-- is its own draft.
ALTER TABLE complaints ADD COLUMN idempotency_body_sha256 bytea;
