-- The day by which a party is asked to reply to a follow-up letter, set
-- per batch (staff choose it when drafting; the scheduled job uses the
-- default of 28 days after drafting). Batches drafted before this
-- migration have none.
ALTER TABLE letter_batches ADD COLUMN reply_by date;

