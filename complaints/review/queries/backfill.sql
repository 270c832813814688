-- Backfill: the triage results and review outcomes of complaints recorded
-- after the fact (review.Pipeline.Backfill), copied in bulk.

-- name: BackfillResults :copyfrom
INSERT INTO triage_results (complaint_id, rulebook_version, rulebook_hash, channel, channels,
    provisions, guidance, score, priority, actions, rationale, out_of_scope, referral)
VALUES (@complaint_id, @rulebook_version, @rulebook_hash, @channel, @channels,
    @provisions, @guidance, @score, @priority, @actions, @rationale, @out_of_scope, @referral);

-- name: BackfillOutcomes :copyfrom
INSERT INTO complaint_reviews (complaint_id, outcome) VALUES (@complaint_id, @outcome);
