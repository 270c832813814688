-- name: AuditExists :one
SELECT EXISTS (SELECT 1 FROM audits WHERE id = @id);

-- Programmes.

-- name: InsertProgramme :one
INSERT INTO audit_programmes (name, name_cy, description, summary_title, summary_title_cy, summary_url, published_on, created_by)
VALUES (@name, @name_cy, @description, @summary_title, @summary_title_cy, @summary_url, sqlc.narg(published_on)::date, sqlc.narg(created_by)::bigint)
RETURNING id;

-- name: UpdateProgramme :exec
UPDATE audit_programmes SET name = @name, name_cy = @name_cy, description = @description, summary_title = @summary_title,
    summary_title_cy = @summary_title_cy, summary_url = @summary_url, published_on = sqlc.narg(published_on)::date,
    version = version + 1, updated_at = now()
WHERE id = @id;

-- name: GetProgramme :one
SELECT id, name, name_cy, description, summary_title, summary_title_cy, summary_url, published_on, version, created_at, updated_at
FROM audit_programmes WHERE id = @id;

-- name: LockProgramme :one
SELECT id, name, name_cy, description, summary_title, summary_title_cy, summary_url, published_on, version, created_at, updated_at
FROM audit_programmes WHERE id = @id FOR UPDATE;

-- name: ListProgrammes :many
SELECT id, name, name_cy, description, summary_title, summary_title_cy, summary_url, published_on, version, created_at, updated_at
FROM audit_programmes ORDER BY created_at DESC, id DESC;

-- name: ProgrammeFindings :many
SELECT programme_id, area, finding, finding_cy FROM audit_programme_findings
WHERE programme_id = ANY (@programme_ids::bigint[]);

-- name: DeleteProgrammeFindings :exec
DELETE FROM audit_programme_findings WHERE programme_id = @programme_id;

-- name: InsertProgrammeFinding :exec
INSERT INTO audit_programme_findings (programme_id, area, finding, finding_cy) VALUES (@programme_id, @area, @finding, @finding_cy);

-- Audits.

-- name: PartyName :one
SELECT name FROM parties WHERE id = @id;

-- name: InsertAudit :one
INSERT INTO audits (programme_id, party_id, audit_type, notice_on, fieldwork_from, fieldwork_to, report_on, follow_up_on,
    scope, auditors, assurance, good_practice, good_practice_cy, created_by)
VALUES (sqlc.narg(programme_id)::bigint, @party_id, @audit_type, sqlc.narg(notice_on)::date, sqlc.narg(fieldwork_from)::date,
    sqlc.narg(fieldwork_to)::date, sqlc.narg(report_on)::date, sqlc.narg(follow_up_on)::date, @scope::text[], @auditors::text[],
    NULLIF(@assurance::text, ''), @good_practice, @good_practice_cy, sqlc.narg(created_by)::bigint)
RETURNING id;

-- name: UpdateAudit :exec
UPDATE audits SET programme_id = sqlc.narg(programme_id)::bigint, party_id = @party_id, audit_type = @audit_type,
    notice_on = sqlc.narg(notice_on)::date, fieldwork_from = sqlc.narg(fieldwork_from)::date, fieldwork_to = sqlc.narg(fieldwork_to)::date,
    report_on = sqlc.narg(report_on)::date, follow_up_on = sqlc.narg(follow_up_on)::date, scope = @scope::text[], auditors = @auditors::text[],
    assurance = NULLIF(@assurance::text, ''), good_practice = @good_practice, good_practice_cy = @good_practice_cy,
    version = version + 1, updated_at = now()
WHERE id = @id;

-- name: SetAuditState :exec
UPDATE audits SET state = @state, version = version + 1, updated_at = now() WHERE id = @id;

-- name: SetAuditReview :exec
UPDATE audits SET follow_up_on = @follow_up_on::date, conclusion = @conclusion, conclusion_note = @conclusion_note, state = @state,
    version = version + 1, updated_at = now()
WHERE id = @id;

-- name: LockAudit :one
SELECT id, programme_id, party_id, audit_type, notice_on, fieldwork_from, fieldwork_to, report_on, follow_up_on, scope, auditors,
    COALESCE(assurance, '')::text AS assurance, state, COALESCE(conclusion, '')::text AS conclusion, conclusion_note,
    good_practice, good_practice_cy, letter_batch_id, version, created_at, updated_at
FROM audits WHERE id = @id FOR UPDATE;

-- name: GetAudit :one
SELECT a.id, a.programme_id, COALESCE(pg.name, '')::text AS programme_name, a.party_id, p.name AS party_name, a.audit_type,
    a.notice_on, a.fieldwork_from, a.fieldwork_to, a.report_on, a.follow_up_on, a.scope, a.auditors,
    COALESCE(a.assurance, '')::text AS assurance, a.state, COALESCE(a.conclusion, '')::text AS conclusion, a.conclusion_note,
    a.good_practice, a.good_practice_cy, a.letter_batch_id, COALESCE(lb.state, '')::text AS letter_batch_state,
    a.version, a.created_at, a.updated_at,
    (SELECT count(*) FROM audit_recommendations r WHERE r.audit_id = a.id) AS recommendations,
    (SELECT count(*) FROM audit_recommendations r WHERE r.audit_id = a.id
        AND (r.status IS NULL OR r.status NOT IN ('completed', 'no_longer_applicable'))) AS open,
    (SELECT count(*) FROM audit_recommendations r WHERE r.audit_id = a.id AND a.state <> 'closed'
        AND (r.status IS NULL OR r.status NOT IN ('completed', 'no_longer_applicable')) AND r.target_on < @today::date
        AND NOT EXISTS (SELECT 1 FROM audit_progress g WHERE g.recommendation_id = r.id AND g.noted_on >= r.target_on)) AS overdue
FROM audits a JOIN parties p ON p.id = a.party_id LEFT JOIN audit_programmes pg ON pg.id = a.programme_id
    LEFT JOIN letter_batches lb ON lb.id = a.letter_batch_id
WHERE a.id = @id;

-- name: ListAudits :many
SELECT a.id, a.programme_id, COALESCE(pg.name, '')::text AS programme_name, a.party_id, p.name AS party_name, a.audit_type,
    a.notice_on, a.fieldwork_from, a.fieldwork_to, a.report_on, a.follow_up_on, a.scope, a.auditors,
    COALESCE(a.assurance, '')::text AS assurance, a.state, COALESCE(a.conclusion, '')::text AS conclusion, a.conclusion_note,
    a.good_practice, a.good_practice_cy, a.letter_batch_id, COALESCE(lb.state, '')::text AS letter_batch_state,
    a.version, a.created_at, a.updated_at,
    (SELECT count(*) FROM audit_recommendations r WHERE r.audit_id = a.id) AS recommendations,
    (SELECT count(*) FROM audit_recommendations r WHERE r.audit_id = a.id
        AND (r.status IS NULL OR r.status NOT IN ('completed', 'no_longer_applicable'))) AS open,
    (SELECT count(*) FROM audit_recommendations r WHERE r.audit_id = a.id AND a.state <> 'closed'
        AND (r.status IS NULL OR r.status NOT IN ('completed', 'no_longer_applicable')) AND r.target_on < @today::date
        AND NOT EXISTS (SELECT 1 FROM audit_progress g WHERE g.recommendation_id = r.id AND g.noted_on >= r.target_on)) AS overdue
FROM audits a JOIN parties p ON p.id = a.party_id LEFT JOIN audit_programmes pg ON pg.id = a.programme_id
    LEFT JOIN letter_batches lb ON lb.id = a.letter_batch_id
WHERE (sqlc.narg(programme_id)::bigint IS NULL OR a.programme_id = sqlc.narg(programme_id)::bigint)
  AND (sqlc.narg(party_id)::bigint IS NULL OR a.party_id = sqlc.narg(party_id)::bigint)
  AND (sqlc.narg(state)::text IS NULL OR a.state = sqlc.narg(state)::text)
ORDER BY COALESCE(a.fieldwork_from, a.created_at::date) DESC, a.id DESC;

-- name: EarliestTarget :one
-- The earliest target date of an audit's recommendations, and whose it
-- is, so a change to the audit's dates cannot leave one out of order.
SELECT number, target_on FROM audit_recommendations WHERE audit_id = @audit_id ORDER BY target_on, number LIMIT 1;

-- Recommendations.

-- name: NextRecommendationNumber :one
SELECT (COALESCE(max(number), 0) + 1)::int AS next FROM audit_recommendations WHERE audit_id = @audit_id;

-- name: RecommendationNumbers :many
SELECT number FROM audit_recommendations WHERE audit_id = @audit_id ORDER BY number;

-- name: InsertRecommendation :one
INSERT INTO audit_recommendations (audit_id, number, area, finding, finding_cy, action, action_cy, priority, target_on, provisions, guidance, created_by)
VALUES (@audit_id, @number, @area, @finding, @finding_cy, @action, @action_cy, @priority, @target_on::date, @provisions::text[], @guidance::text[],
    sqlc.narg(created_by)::bigint)
RETURNING id;

-- name: UpdateRecommendation :exec
UPDATE audit_recommendations SET number = @number, area = @area, finding = @finding, finding_cy = @finding_cy, action = @action,
    action_cy = @action_cy, priority = @priority, target_on = @target_on::date, provisions = @provisions::text[], guidance = @guidance::text[],
    version = version + 1, updated_at = now()
WHERE id = @id;

-- name: SetResponse :exec
UPDATE audit_recommendations SET response = @response, response_action = @response_action, response_owner = @response_owner,
    response_due_on = sqlc.narg(response_due_on)::date, responded_at = now(), version = version + 1, updated_at = now()
WHERE id = @id;

-- name: SetStatus :exec
UPDATE audit_recommendations SET status = @status, status_note = @status_note, reviewed_at = now(), version = version + 1, updated_at = now()
WHERE id = @id;

-- name: LockRecommendation :one
SELECT id FROM audit_recommendations WHERE id = @id FOR UPDATE;

-- name: GetRecommendation :one
SELECT r.id, r.audit_id, r.number, r.area, r.finding, r.finding_cy, r.action, r.action_cy, r.priority, r.target_on, r.provisions, r.guidance,
    COALESCE(r.response, '')::text AS response, r.response_action, r.response_owner, r.response_due_on, r.responded_at,
    COALESCE(r.status, '')::text AS status, r.status_note, r.reviewed_at, r.version, r.created_at, r.updated_at,
    lu.last_update,
    (a.state <> 'closed' AND (r.status IS NULL OR r.status NOT IN ('completed', 'no_longer_applicable')) AND r.target_on < @today::date
        AND (lu.last_update IS NULL OR lu.last_update < r.target_on))::boolean AS overdue
FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id
LEFT JOIN LATERAL (SELECT max(g.noted_on) AS last_update FROM audit_progress g WHERE g.recommendation_id = r.id) lu ON true
WHERE r.id = @id;

-- name: AuditRecommendations :many
-- The recommendations of some audits, by audit and number: one audit's
-- for its page, a programme's for its outputs.
SELECT r.id, r.audit_id, r.number, r.area, r.finding, r.finding_cy, r.action, r.action_cy, r.priority, r.target_on, r.provisions, r.guidance,
    COALESCE(r.response, '')::text AS response, r.response_action, r.response_owner, r.response_due_on, r.responded_at,
    COALESCE(r.status, '')::text AS status, r.status_note, r.reviewed_at, r.version, r.created_at, r.updated_at,
    lu.last_update,
    (a.state <> 'closed' AND (r.status IS NULL OR r.status NOT IN ('completed', 'no_longer_applicable')) AND r.target_on < @today::date
        AND (lu.last_update IS NULL OR lu.last_update < r.target_on))::boolean AS overdue
FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id
LEFT JOIN LATERAL (SELECT max(g.noted_on) AS last_update FROM audit_progress g WHERE g.recommendation_id = r.id) lu ON true
WHERE r.audit_id = ANY(@audit_ids::bigint[])
ORDER BY r.audit_id, r.number;

-- name: OpenRecommendations :many
-- The open recommendations of the parties' audits that are not closed,
-- urgent first, then by target date.
SELECT r.id, r.audit_id, r.number, r.area, r.finding, r.finding_cy, r.action, r.action_cy, r.priority, r.target_on, r.provisions, r.guidance,
    COALESCE(r.response, '')::text AS response, r.response_action, r.response_owner, r.response_due_on, r.responded_at,
    COALESCE(r.status, '')::text AS status, r.status_note, r.reviewed_at, r.version, r.created_at, r.updated_at,
    lu.last_update,
    (r.target_on < @today::date AND (lu.last_update IS NULL OR lu.last_update < r.target_on))::boolean AS overdue,
    a.party_id, a.audit_type, a.fieldwork_from, a.created_at AS audit_created_at
FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id
LEFT JOIN LATERAL (SELECT max(g.noted_on) AS last_update FROM audit_progress g WHERE g.recommendation_id = r.id) lu ON true
WHERE a.party_id = ANY (@party_ids::bigint[]) AND a.state <> 'closed'
  AND (r.status IS NULL OR r.status NOT IN ('completed', 'no_longer_applicable'))
ORDER BY a.party_id, CASE r.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, r.target_on, a.id, r.number;

-- name: OverdueRecommendations :many
-- Recommendations past their target date on the given day, open, in an audit
-- not closed, with no progress update noted on or after the target date:
-- urgent first, then the longest late.
SELECT r.id, r.audit_id, r.number, r.area, r.finding, r.finding_cy, r.action, r.action_cy, r.priority, r.target_on, r.provisions, r.guidance,
    COALESCE(r.response, '')::text AS response, r.response_action, r.response_owner, r.response_due_on, r.responded_at,
    COALESCE(r.status, '')::text AS status, r.status_note, r.reviewed_at, r.version, r.created_at, r.updated_at,
    lu.last_update, a.party_id, p.name AS party_name
FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id JOIN parties p ON p.id = a.party_id
LEFT JOIN LATERAL (SELECT max(g.noted_on) AS last_update FROM audit_progress g WHERE g.recommendation_id = r.id) lu ON true
WHERE a.state <> 'closed' AND (r.status IS NULL OR r.status NOT IN ('completed', 'no_longer_applicable'))
  AND r.target_on < @today::date AND (lu.last_update IS NULL OR lu.last_update < r.target_on)
ORDER BY CASE r.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, r.target_on, p.name, r.number;

-- Progress and evidence.

-- name: InsertProgress :one
INSERT INTO audit_progress (recommendation_id, noted_on, note, created_by)
VALUES (@recommendation_id, @noted_on::date, @note, sqlc.narg(created_by)::bigint)
RETURNING id, created_at;

-- name: InsertEvidence :one
INSERT INTO audit_evidence (progress_id, filename, content_type, size_bytes, sha256, data)
VALUES (@progress_id, @filename, @content_type, @size_bytes, @sha256, @data)
RETURNING id;

-- name: RecommendationProgress :many
SELECT g.id, g.recommendation_id, g.noted_on, g.note, COALESCE(u.email, '')::text AS by_email, g.created_at
FROM audit_progress g LEFT JOIN staff_users u ON u.id = g.created_by
WHERE g.recommendation_id = @recommendation_id
ORDER BY g.noted_on DESC, g.id DESC;

-- name: RecommendationEvidence :many
SELECT e.id, e.progress_id, e.filename, e.content_type, e.size_bytes, e.sha256
FROM audit_evidence e JOIN audit_progress g ON g.id = e.progress_id
WHERE g.recommendation_id = @recommendation_id
ORDER BY e.id;

-- name: GetEvidence :one
SELECT id, progress_id, filename, content_type, size_bytes, sha256, data FROM audit_evidence WHERE id = @id;

-- The overdue digest.

-- name: InsertAuditDigest :one
-- A day's digest is written once: a second run's insert does nothing and
-- returns no row.
INSERT INTO audit_digests (digest_date, subject, body, items) VALUES (@digest_date::date, @subject, @body, @items)
ON CONFLICT (digest_date) DO NOTHING
RETURNING id;

-- name: AuditDigestWritten :one
SELECT EXISTS (SELECT 1 FROM audit_digests WHERE digest_date = @digest_date::date);
