-- Officers' decisions: accepting or overriding a triage result, starting a
-- review, closing and assigning complaints.

-- name: LockComplaintByRef :one
-- Locks the complaint and reads its current triage result, so two officers
-- acting at once are applied one after the other.
SELECT c.id, c.reference, c.status, coalesce(c.priority, '')::text AS priority, t.id AS result_id,
    coalesce(t.priority, '')::text AS result_priority, coalesce(t.provisions, '{}')::text[] AS result_provisions
FROM complaints c LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
WHERE c.reference = @reference FOR UPDATE OF c;

-- name: InsertDecision :exec
INSERT INTO triage_decisions (complaint_id, triage_result_id, kind, original_priority, original_provisions,
    priority, provisions, reason, decided_by)
VALUES (@complaint_id, @triage_result_id, @kind, @original_priority, @original_provisions, @priority, @provisions,
    @reason, @decided_by);

-- name: SetDecidedPriority :exec
UPDATE complaints SET priority = @priority, status = @status, updated_at = now() WHERE id = @id;

-- name: StartReview :exec
UPDATE complaints SET status = 'in_review', closed_at = NULL, updated_at = now() WHERE id = @id;

-- name: ReopenReview :exec
-- A complaint taken (back) into review has no outcome yet.
INSERT INTO complaint_reviews (complaint_id) VALUES (@complaint_id)
ON CONFLICT (complaint_id) DO UPDATE SET outcome = NULL, closed_by = NULL, updated_at = now();

-- name: ReviewOutcome :one
SELECT coalesce(outcome, '')::text AS outcome FROM complaint_reviews WHERE complaint_id = @complaint_id;

-- name: CloseComplaint :exec
UPDATE complaints SET status = 'closed', closed_at = now(), updated_at = now() WHERE id = @id;

-- name: CloseReview :exec
INSERT INTO complaint_reviews (complaint_id, outcome, closed_by) VALUES (@complaint_id, @outcome, @closed_by)
ON CONFLICT (complaint_id) DO UPDATE SET outcome = excluded.outcome, closed_by = excluded.closed_by, updated_at = now();

-- name: ActiveOfficerEmail :one
-- The email of an active triage officer or administrator: the staff a
-- complaint may be assigned to.
SELECT email FROM staff_users WHERE id = @id AND disabled_at IS NULL AND role IN ('triage_officer', 'admin');

-- name: AssignedTo :one
SELECT assigned_to FROM complaint_reviews WHERE complaint_id = @complaint_id;

-- name: Assign :exec
-- Gives the complaint to @assigned_to, or to nobody when it is null.
INSERT INTO complaint_reviews (complaint_id, assigned_to, assigned_at)
VALUES (@complaint_id, sqlc.narg(assigned_to)::bigint, CASE WHEN sqlc.narg(assigned_to)::bigint IS NULL THEN NULL ELSE now() END)
ON CONFLICT (complaint_id) DO UPDATE SET assigned_to = excluded.assigned_to, assigned_at = excluded.assigned_at, updated_at = now();
