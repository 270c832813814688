-- Elections are shared by outreach (letters go out when one is called),
-- complaints (a complaint is linked to the election whose period it falls
-- in) and reports. The phase is derived from the dates, never stored.

CREATE TABLE elections (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL CHECK (btrim(name) <> ''),
    type            text        NOT NULL CHECK (type IN (
        'general', 'local', 'scottish_parliament', 'senedd', 'ni_assembly',
        'mayoral', 'police_and_crime_commissioner', 'by_election', 'referendum'
    )),
    nations         text[]      NOT NULL CHECK (
        cardinality(nations) > 0
        AND nations <@ ARRAY['england', 'scotland', 'wales', 'northern_ireland']
    ),
    announced_on    date        NOT NULL,
    polling_day     date        NOT NULL,
    regulated_from  date,
    follow_up_days  integer     NOT NULL DEFAULT 14 CHECK (follow_up_days BETWEEN 0 AND 365),
    created_by      bigint      REFERENCES staff_users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (polling_day >= announced_on),
    CHECK (regulated_from IS NULL OR regulated_from <= polling_day)
);
CREATE INDEX elections_period_idx ON elections (announced_on, polling_day);
