-- Triage policy 2: complaints about personal data leaked other than by an
-- email's recipients (data_breach), the structured facts the form asks
-- where they decide the law, and out-of-scope complaints with a referral.
-- Existing rows are carried over: results stored before a complaint could
-- report several channels list their one channel, and no earlier result
-- was out of scope.

ALTER TABLE complaints DROP CONSTRAINT complaints_channel_check;
ALTER TABLE complaints ADD CONSTRAINT complaints_channel_check CHECK (channel IN (
    'sms', 'email', 'automated_call', 'live_call', 'bcc_breach', 'data_breach', 'social_media_ad', 'other'
));

-- The structured facts of policy 2. Each is optional (null: not answered)
-- and, when answered, beats what triage reads from the text.
ALTER TABLE complaints
    ADD COLUMN member boolean,
    ADD COLUMN work_address boolean,
    ADD COLUMN asked_to_stop_on date,
    ADD COLUMN breach_where text NOT NULL DEFAULT ''
        CHECK (breach_where IN ('', 'group_chat', 'published', 'paper_record', 'wrong_recipient', 'other')),
    ADD COLUMN breach_exposed text[] NOT NULL DEFAULT '{}'
        CHECK (breach_exposed <@ ARRAY['phone_number', 'email_address', 'home_address', 'voting_intention',
            'party_membership', 'sensitive', 'other']::text[]),
    -- referral is what intake told the complainant at once (the
    -- confirmation page and the acknowledgement) when the complaint is
    -- for another body; triage_results.referral is triage's own view.
    ADD COLUMN referral text CHECK (referral IS NULL OR btrim(referral) <> '');

-- The number or address the sender contacted is the complainant's own:
-- personal data, kept with the rest of it so retention erases it too.
ALTER TABLE complainants ADD COLUMN contacted text NOT NULL DEFAULT '';

ALTER TABLE triage_results
    ADD COLUMN out_of_scope boolean NOT NULL DEFAULT false,
    ADD COLUMN referral text CHECK (referral IS NULL OR btrim(referral) <> ''),
    ADD CONSTRAINT triage_results_referral_scope CHECK ((referral IS NOT NULL) = out_of_scope);

UPDATE triage_results SET channels = ARRAY[channel] WHERE cardinality(channels) = 0 AND channel <> 'other';

-- Counting by channel counts a complaint once per channel its current
-- result reports; filters ask "does it report this channel".
CREATE INDEX triage_results_channels_idx ON triage_results USING gin (channels) WHERE is_current;
CREATE INDEX triage_results_referral_idx ON triage_results (referral) WHERE is_current AND referral IS NOT NULL;
