-- Clustering a surge of near-identical texts in bounded, set-based steps.
--
-- complaint_cluster_members.received_at copies the complaint's received_at,
-- so "other members of its cluster received in the week before" is a range
-- on one index instead of a join to every member's complaint: under a
-- surge one cluster holds thousands of complaints.
ALTER TABLE complaint_cluster_members ADD COLUMN received_at timestamptz;
UPDATE complaint_cluster_members m SET received_at = c.received_at FROM complaints c WHERE c.id = m.complaint_id;
ALTER TABLE complaint_cluster_members ALTER COLUMN received_at SET NOT NULL;
CREATE INDEX complaint_cluster_members_received_idx ON complaint_cluster_members (cluster_id, received_at);

-- complaint_text_bands.inserted_by is the transaction that indexed the
-- row. Triage reads its text candidates without holding any lock, then
-- takes the band locks and reads only the rows committed since that read
-- (those a snapshot taken before it could not see), which this index
-- finds directly. Rows indexed before this migration are older than any
-- snapshot and stay NULL.
ALTER TABLE complaint_text_bands ADD COLUMN inserted_by xid8;
ALTER TABLE complaint_text_bands ALTER COLUMN inserted_by SET DEFAULT pg_current_xact_id();
CREATE INDEX complaint_text_bands_inserted_idx ON complaint_text_bands (band, inserted_by);
