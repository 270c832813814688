-- name: TriageElections :many
SELECT name, announced_on, polling_day, nations FROM elections ORDER BY announced_on, id;

-- name: TriageParties :many
SELECT name, short_name, aliases, nations FROM parties WHERE active ORDER BY id;

-- name: RecentSenderComplaints :one
-- Counts exclude the moment itself: the 7 days before.
SELECT count(*) FROM complaint_senders
WHERE sender_key = @sender_key AND received_at >= sqlc.arg(moment)::timestamptz - interval '7 days' AND received_at < sqlc.arg(moment);
