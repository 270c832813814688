-- Recording an election without calling it (outreach.Service.RecordElection).

-- name: InsertElection :one
INSERT INTO elections (name, name_cy, type, nations, announced_on, polling_day, regulated_from, follow_up_days, created_by, demo)
VALUES (@name, @name_cy, @type, @nations, @announced_on, @polling_day, @regulated_from, @follow_up_days, @created_by, @demo)
RETURNING id, created_at;

-- name: LatestElectionOfType :one
SELECT id, name, name_cy, type, nations, announced_on, polling_day, regulated_from, follow_up_days, created_at
FROM elections WHERE type = @type AND NOT demo ORDER BY polling_day DESC, id DESC LIMIT 1;
