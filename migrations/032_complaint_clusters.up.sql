-- Clusters of complaints about the same thing: the same normalised sender
-- (kind 'sender', key = the sender) or near-identical message text (kind
-- 'text', key = 'text:' and the first member's id). A complaint may belong
-- to one cluster of each kind.

CREATE TABLE complaint_clusters (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('sender', 'text')),
    key         text        NOT NULL CHECK (btrim(key) <> ''),
    label       text        NOT NULL DEFAULT '',
    size        integer     NOT NULL DEFAULT 0 CHECK (size >= 0),
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, key)
);
CREATE INDEX complaint_clusters_last_seen_idx ON complaint_clusters (last_seen DESC);

CREATE TABLE complaint_cluster_members (
    cluster_id   bigint      NOT NULL REFERENCES complaint_clusters (id) ON DELETE CASCADE,
    complaint_id bigint      NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('sender', 'text')),
    -- similarity is the Jaccard similarity of the message shingles to the
    -- member that brought this one in (1 for sender clusters).
    similarity   real        NOT NULL DEFAULT 1,
    joined_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster_id, complaint_id),
    UNIQUE (complaint_id, kind)
);
CREATE INDEX complaint_cluster_members_complaint_idx ON complaint_cluster_members (complaint_id);

-- Locality-sensitive hashing bands of each complaint's message MinHash:
-- complaints sharing any band are candidates for the exact similarity
-- check, so a new complaint is compared with a handful, not with all.
CREATE TABLE complaint_text_bands (
    band         bigint      NOT NULL,
    complaint_id bigint      NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (band, complaint_id)
);
CREATE INDEX complaint_text_bands_complaint_idx ON complaint_text_bands (complaint_id);
