-- Registration numbers are stored upper-case and never as an empty string
-- (no number is NULL), so the unique index compares like with like.
ALTER TABLE parties ADD CONSTRAINT parties_registration_number_form
    CHECK (registration_number IS NULL OR (btrim(registration_number) <> '' AND registration_number = upper(registration_number)));

-- Contact roles are identifiers such as data_protection_lead.
ALTER TABLE party_contacts ADD CONSTRAINT party_contacts_role_form
    CHECK (role ~ '^[a-z0-9_]+$');
