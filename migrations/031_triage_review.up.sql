-- Staff review of triaged complaints. The complaint's status and effective
-- priority stay on complaints (the lists and reports read them there);
-- who has the complaint and how it ended live here, and every officer
-- decision on a triage result is kept beside the result it judged.

-- The review statuses, in order: new (not yet triaged), triaged, in_review,
-- closed. Outcomes are only for closed complaints.
ALTER TABLE complaints ADD CONSTRAINT complaints_status_review
    CHECK (status IN ('new', 'triaged', 'in_review', 'closed'));

CREATE TABLE complaint_reviews (
    complaint_id bigint      PRIMARY KEY REFERENCES complaints (id) ON DELETE CASCADE,
    assigned_to  bigint      REFERENCES staff_users (id),
    assigned_at  timestamptz,
    outcome      text        CHECK (outcome IN (
        'no_breach', 'advice_given', 'party_contacted', 'referred_to_investigations', 'duplicate'
    )),
    closed_by    bigint      REFERENCES staff_users (id),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX complaint_reviews_assigned_idx ON complaint_reviews (assigned_to) WHERE assigned_to IS NOT NULL;

-- A decision is an officer accepting a triage result as it stands, or
-- overriding its priority and/or provisions with a reason. The original
-- stays in triage_results; the decision records both sides.
CREATE TABLE triage_decisions (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    complaint_id        bigint      NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    triage_result_id    bigint      NOT NULL REFERENCES triage_results (id) ON DELETE CASCADE,
    kind                text        NOT NULL CHECK (kind IN ('accept', 'override')),
    original_priority   text        NOT NULL,
    original_provisions text[]      NOT NULL,
    priority            text        NOT NULL CHECK (priority IN ('urgent', 'high', 'medium', 'low')),
    provisions          text[]      NOT NULL,
    reason              text        NOT NULL DEFAULT '',
    decided_by          bigint      REFERENCES staff_users (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'accept' OR btrim(reason) <> '')
);
CREATE INDEX triage_decisions_complaint_idx ON triage_decisions (complaint_id, id DESC);
