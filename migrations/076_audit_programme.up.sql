-- Issue 15: the party audit programme. A programme groups the audits
-- done together (the 2019 round of seven parties); each audit grades
-- recommendations, records the party's response and progress with
-- evidence, and ends in a follow-up review, a report and a letter.
--
-- The vocabularies (types, states, assurance levels, areas, priorities,
-- responses, statuses, conclusions, scope areas) are defined once in Go
-- (internal/audits/vocab.go); these CHECK constraints repeat them so the
-- database refuses what the code would never write.

CREATE TABLE audit_programmes (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             text        NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    name_cy          text        NOT NULL DEFAULT '' CHECK (length(name_cy) <= 200),
    description      text        NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    -- The published summary report the follow-up letters refer to.
    summary_title    text        NOT NULL DEFAULT '' CHECK (length(summary_title) <= 300),
    summary_title_cy text        NOT NULL DEFAULT '' CHECK (length(summary_title_cy) <= 300),
    summary_url      text        NOT NULL DEFAULT '' CHECK (length(summary_url) <= 500),
    published_on     date,
    version          integer     NOT NULL DEFAULT 1,
    created_by       bigint      REFERENCES staff_users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX audit_programmes_name_key ON audit_programmes (lower(name));

-- The programme's key finding in each area, as the summary report gives
-- them; at most one per area.
CREATE TABLE audit_programme_findings (
    programme_id bigint NOT NULL REFERENCES audit_programmes (id) ON DELETE CASCADE,
    area         text   NOT NULL CHECK (area IN ('privacy_information', 'lawful_basis', 'profiling', 'social_media_targeting', 'accountability', 'other')),
    finding      text   NOT NULL CHECK (btrim(finding) <> '' AND length(finding) <= 4000),
    finding_cy   text   NOT NULL DEFAULT '' CHECK (length(finding_cy) <= 4000),
    PRIMARY KEY (programme_id, area)
);

CREATE TABLE audits (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id     bigint      REFERENCES audit_programmes (id),
    party_id         bigint      NOT NULL REFERENCES parties (id),
    audit_type       text        NOT NULL CHECK (audit_type IN ('compulsory', 'consensual')),
    -- The assessment notice (section 146 of the Data Protection Act
    -- 2018) behind a compulsory audit; a consensual audit has none.
    notice_on        date,
    fieldwork_from   date,
    fieldwork_to     date,
    report_on        date,
    follow_up_on     date,
    scope            text[]      NOT NULL DEFAULT '{}',
    auditors         text[]      NOT NULL DEFAULT '{}',
    assurance        text        CHECK (assurance IN ('high', 'reasonable', 'limited', 'very_limited')),
    state            text        NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'fieldwork', 'report_issued', 'follow_up', 'closed')),
    conclusion       text        CHECK (conclusion IN ('all_completed', 'meaningful_progress', 'limited_progress', 'insufficient_progress')),
    conclusion_note  text        NOT NULL DEFAULT '' CHECK (length(conclusion_note) <= 4000),
    good_practice    text        NOT NULL DEFAULT '' CHECK (length(good_practice) <= 4000),
    good_practice_cy text        NOT NULL DEFAULT '' CHECK (length(good_practice_cy) <= 4000),
    -- The follow-up letter's batch, once drafted.
    letter_batch_id  bigint      REFERENCES letter_batches (id),
    version          integer     NOT NULL DEFAULT 1,
    created_by       bigint      REFERENCES staff_users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audits_notice_only_compulsory CHECK (audit_type = 'compulsory' OR notice_on IS NULL),
    CONSTRAINT audits_fieldwork_order CHECK (fieldwork_to >= fieldwork_from),
    CONSTRAINT audits_notice_before_fieldwork CHECK (fieldwork_from >= notice_on),
    CONSTRAINT audits_report_after_fieldwork CHECK (report_on >= fieldwork_to),
    CONSTRAINT audits_follow_up_after_report CHECK (follow_up_on >= report_on),
    CONSTRAINT audits_scope_known CHECK (scope <@ ARRAY['management_structures', 'policies_procedures', 'dpia_governance',
        'dpia_consultation', 'records_accuracy', 'fairness_transparency', 'data_brokers', 'analytics_profiling',
        'social_media', 'online_platforms', 'individual_rights']::text[])
);
CREATE INDEX audits_party_idx ON audits (party_id);
CREATE INDEX audits_programme_idx ON audits (programme_id);
-- A party is audited at most once in a programme.
CREATE UNIQUE INDEX audits_programme_party_key ON audits (programme_id, party_id) WHERE programme_id IS NOT NULL;

CREATE TABLE audit_recommendations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    audit_id        bigint      NOT NULL REFERENCES audits (id),
    -- The recommendation's number within its audit, shown as "R7".
    number          integer     NOT NULL CHECK (number > 0),
    area            text        NOT NULL CHECK (area IN ('privacy_information', 'lawful_basis', 'profiling', 'social_media_targeting', 'accountability', 'other')),
    finding         text        NOT NULL CHECK (btrim(finding) <> '' AND length(finding) <= 4000),
    finding_cy      text        NOT NULL DEFAULT '' CHECK (length(finding_cy) <= 4000),
    action          text        NOT NULL CHECK (btrim(action) <> '' AND length(action) <= 4000),
    action_cy       text        NOT NULL DEFAULT '' CHECK (length(action_cy) <= 4000),
    priority        text        NOT NULL CHECK (priority IN ('urgent', 'high', 'medium', 'low')),
    target_on       date        NOT NULL,
    provisions      text[]      NOT NULL DEFAULT '{}',
    guidance        text[]      NOT NULL DEFAULT '{}',
    -- The party's response to the recommendation.
    response        text        CHECK (response IN ('agreed', 'partly_agreed', 'not_agreed')),
    response_action text        NOT NULL DEFAULT '' CHECK (length(response_action) <= 4000),
    response_owner  text        NOT NULL DEFAULT '' CHECK (length(response_owner) <= 200),
    response_due_on date,
    responded_at    timestamptz,
    -- The follow-up review's finding on the recommendation.
    status          text        CHECK (status IN ('completed', 'meaningful_progress', 'some_progress', 'not_started', 'no_longer_applicable')),
    status_note     text        NOT NULL DEFAULT '' CHECK (length(status_note) <= 4000),
    reviewed_at     timestamptz,
    version         integer     NOT NULL DEFAULT 1,
    created_by      bigint      REFERENCES staff_users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (audit_id, number)
);
CREATE INDEX audit_recommendations_open_idx ON audit_recommendations (target_on)
    WHERE status IS NULL OR status NOT IN ('completed', 'no_longer_applicable');

-- A progress update from the party on one recommendation.
CREATE TABLE audit_progress (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recommendation_id bigint      NOT NULL REFERENCES audit_recommendations (id),
    noted_on          date        NOT NULL,
    note              text        NOT NULL CHECK (btrim(note) <> '' AND length(note) <= 8000),
    created_by        bigint      REFERENCES staff_users (id),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_progress_recommendation_idx ON audit_progress (recommendation_id, noted_on);

-- Evidence files sent with a progress update, kept in the database as
-- complaint evidence is: checked by content, served only as attachments.
CREATE TABLE audit_evidence (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    progress_id  bigint      NOT NULL REFERENCES audit_progress (id),
    filename     text        NOT NULL,
    content_type text        NOT NULL,
    size_bytes   integer     NOT NULL CHECK (size_bytes > 0),
    sha256       text        NOT NULL,
    data         bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_evidence_progress_idx ON audit_evidence (progress_id);

-- One overdue digest per day: the unique day makes a retried or
-- concurrent run write nothing and send nothing.
CREATE TABLE audit_digests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    digest_date date        NOT NULL UNIQUE,
    subject     text        NOT NULL,
    body        text        NOT NULL,
    items       integer     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The audit follow-up letter goes in a batch of its own kind.
ALTER TABLE letter_batches DROP CONSTRAINT letter_batches_kind_check;
ALTER TABLE letter_batches ADD CONSTRAINT letter_batches_kind_check CHECK (kind IN ('call', 'follow_up', 'parties', 'audit'));

-- The overdue digest reaches the political team through the same
-- per-recipient messages as the complaint digests and alerts.
ALTER TABLE team_notifications DROP CONSTRAINT team_notifications_kind_check;
ALTER TABLE team_notifications ADD CONSTRAINT team_notifications_kind_check CHECK (kind IN ('alert', 'digest', 'audit_digest'));
