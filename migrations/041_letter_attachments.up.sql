-- Follow-up letters carry a second attachment (the party's complaints
-- report) beside the letter's own PDF, and a batch says what it is for,
-- so an election gets at most one live follow-up batch however often the
-- scheduled job or a person asks for one.

ALTER TABLE letters
    ADD COLUMN attachment_name text,
    ADD COLUMN attachment      bytea,
    ADD CONSTRAINT letters_attachment_pair
        CHECK ((attachment IS NULL) = (attachment_name IS NULL)
               AND (attachment_name IS NULL OR attachment_name ~ '^[A-Za-z0-9][A-Za-z0-9._-]*\.pdf$'));

ALTER TABLE letter_batches
    ADD COLUMN kind text NOT NULL DEFAULT 'call' CHECK (kind IN ('call', 'follow_up'));

CREATE UNIQUE INDEX letter_batches_one_follow_up
    ON letter_batches (election_id) WHERE kind = 'follow_up' AND state <> 'cancelled';
