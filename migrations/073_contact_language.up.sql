-- Issue 14: the language a party contact reads letters in, and letters
-- written outside an election call.
--
-- party_contacts.language is NULL when the contact takes the party's
-- default: a bilingual letter (Welsh first) when the party stands in
-- Wales, English otherwise.
ALTER TABLE party_contacts
    ADD COLUMN language text CHECK (language IN ('en', 'cy', 'both'));

-- The language a letter was written in and its Welsh template version.
-- Migration 072 (letter languages) adds the same columns; IF NOT EXISTS
-- lets either run first.
ALTER TABLE letters
    ADD COLUMN IF NOT EXISTS lang text NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'cy', 'both')),
    ADD COLUMN IF NOT EXISTS template_cy_id bigint REFERENCES letter_templates (id);

-- A batch of letters to parties chosen by hand (an audit, a warning) has
-- no election call behind it: kind 'parties', election_id usually NULL.
ALTER TABLE letter_batches DROP CONSTRAINT letter_batches_kind_check;
ALTER TABLE letter_batches ADD CONSTRAINT letter_batches_kind_check CHECK (kind IN ('call', 'follow_up', 'parties'));
