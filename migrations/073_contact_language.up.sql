-- Issue 14: the language a party contact reads letters in, and letters
-- written outside an election call.
--
-- party_contacts.language is NULL when the contact takes the party's
-- default: a bilingual letter (Welsh first) when the party stands in
-- Wales, English otherwise.
ALTER TABLE party_contacts
    ADD COLUMN language text CHECK (language IN ('en', 'cy', 'both'));

-- The template pages count each version's letters by template_id OR
-- template_cy_id (outreach/queries/templates.sql); with both columns
-- indexed that is a bitmap OR of two index scans, not a scan of every
-- letter for each version listed. (letters.lang and template_cy_id
-- themselves come from migration 072.)
CREATE INDEX letters_template_idx ON letters (template_id);
CREATE INDEX letters_template_cy_idx ON letters (template_cy_id) WHERE template_cy_id IS NOT NULL;

-- A batch of letters to parties chosen by hand (an audit, a warning) has
-- no election call behind it: kind 'parties', election_id usually NULL.
ALTER TABLE letter_batches DROP CONSTRAINT letter_batches_kind_check;
ALTER TABLE letter_batches ADD CONSTRAINT letter_batches_kind_check CHECK (kind IN ('call', 'follow_up', 'parties'));
