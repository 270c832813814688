-- Letter templates in two languages (issue 14). Each template name has an
-- English version history and, once written, a Welsh one: versions are
-- counted per language. A letter records the language it was sent in
-- ('both' for a bilingual letter, Welsh first) and, for a bilingual
-- letter, the Welsh template version used beside template_id (English).
ALTER TABLE letter_templates
    ADD COLUMN lang text NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'cy'));
ALTER TABLE letter_templates DROP CONSTRAINT letter_templates_name_version_key;
ALTER TABLE letter_templates ADD CONSTRAINT letter_templates_name_lang_version_key UNIQUE (name, lang, version);

ALTER TABLE letters
    ADD COLUMN lang text NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'cy', 'both')),
    ADD COLUMN template_cy_id bigint NULL REFERENCES letter_templates (id);

-- Versions stored by Seed from the files shipped with the service, as
-- opposed to versions staff saved: Seed replaces a shipped file's version
-- with its newer text only while the latest version is a seeded one, so
-- staff edits are never overwritten.
ALTER TABLE letter_templates ADD COLUMN seeded boolean NOT NULL DEFAULT false;
UPDATE letter_templates SET seeded = true WHERE created_by IS NULL AND note = 'shipped with campaignwatch';
