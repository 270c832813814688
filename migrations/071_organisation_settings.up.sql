-- The regulator's own particulars (internal/organisation): one row per
-- saved version, never changed afterwards, so a letter can be traced to
-- the particulars it was rendered with. The latest version is in force.
-- Signature images travel inside the settings (base64 in the JSON); each
-- is at most 200 KB, checked when saved, and the whole is bounded here.
CREATE TABLE organisation_settings (
    version        integer     PRIMARY KEY CHECK (version > 0),
    settings       jsonb       NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
    -- note is why the change was made, in the admin's words.
    note           text        NOT NULL DEFAULT '',
    -- saved_by is the staff user who saved it; NULL for the first
    -- version, seeded from the defaults, and for saves from the command
    -- line, which saved_by_label names ("system", "cli").
    saved_by       bigint      REFERENCES staff_users (id),
    saved_by_label text        NOT NULL DEFAULT '',
    saved_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organisation_settings_size CHECK (octet_length(settings::text) <= 8 * 1024 * 1024)
);

CREATE FUNCTION organisation_settings_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'organisation_settings versions are kept as saved; save a new version instead';
END;
$$;
CREATE TRIGGER organisation_settings_no_update BEFORE UPDATE OR DELETE ON organisation_settings
    FOR EACH ROW EXECUTE FUNCTION organisation_settings_refuse_change();
