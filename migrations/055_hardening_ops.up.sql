-- One row that /readyz updates: readiness means the database can still
-- commit a write (not full, not read-only, not hung), not only answer a
-- ping. The row is tiny and updated in place.
CREATE TABLE readiness_heartbeat (
    id      integer PRIMARY KEY CHECK (id = 1),
    beat_at timestamptz NOT NULL DEFAULT now(),
    beat_by text NOT NULL DEFAULT ''
);
INSERT INTO readiness_heartbeat (id) VALUES (1);
