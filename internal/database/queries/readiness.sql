-- name: BeatHeartbeat :execrows
-- The write /readyz makes. It commits, so a full disk (the WAL flush at
-- commit fails) shows as well as a read-only server.
UPDATE readiness_heartbeat SET beat_at = now(), beat_by = @beat_by WHERE id = 1;
