-- What the audit programme's outputs read and write: the follow-up
-- report and letter of one audit, the programme's summary and workbook.

-- name: OutputProgrammeAudits :many
SELECT a.id, a.programme_id, coalesce(pr.name, '')::text AS programme_name, a.party_id, p.name AS party_name,
       a.audit_type, a.notice_on, a.fieldwork_from, a.fieldwork_to, a.report_on, a.follow_up_on, a.scope, a.auditors,
       coalesce(a.assurance, '')::text AS assurance, a.state, coalesce(a.conclusion, '')::text AS conclusion,
       a.conclusion_note, a.good_practice, a.good_practice_cy, a.letter_batch_id, a.version, a.created_at, a.updated_at
FROM audits a JOIN parties p ON p.id = a.party_id LEFT JOIN audit_programmes pr ON pr.id = a.programme_id
WHERE a.programme_id = @programme_id
ORDER BY p.name, a.id;

-- name: OutputProgramme :one
SELECT id, name, name_cy, description, summary_title, summary_title_cy, summary_url, published_on, version, created_at, updated_at
FROM audit_programmes WHERE id = @id;

-- name: OutputProgrammeFindings :many
SELECT area, finding, finding_cy FROM audit_programme_findings WHERE programme_id = @programme_id;

-- name: OutputProgress :many
-- Every progress update of a programme's audits, for the workbook: the
-- party, the recommendation's number, and how many evidence files.
SELECT pg.id, p.name AS party_name, r.number, pg.noted_on, pg.note, pg.created_at,
       (SELECT count(*) FROM audit_evidence e WHERE e.progress_id = pg.id)::int AS evidence
FROM audit_progress pg
JOIN audit_recommendations r ON r.id = pg.recommendation_id
JOIN audits a ON a.id = r.audit_id
JOIN parties p ON p.id = a.party_id
WHERE a.programme_id = @programme_id
ORDER BY p.name, r.number, pg.noted_on, pg.id;

-- name: OutputReaderLanguages :many
-- The language each active contact of a party reads: its own, or the
-- party's default (both where the party stands in Wales, else en), as
-- the letters' recipients query has it.
SELECT COALESCE(pc.language, CASE WHEN 'wales' = ANY(p.nations) THEN 'both' ELSE 'en' END)::text AS language
FROM parties p JOIN party_contacts pc ON pc.party_id = p.id AND pc.active
WHERE p.id = @party_id;

-- name: LockAuditLetter :one
-- Locks the audit while its letter is drafted, with the state of the
-- batch already drafted ('' for none).
SELECT a.version, a.letter_batch_id, coalesce(b.state, '')::text AS batch_state
FROM audits a LEFT JOIN letter_batches b ON b.id = a.letter_batch_id
WHERE a.id = @id FOR UPDATE OF a;

-- name: SetAuditLetterBatch :exec
UPDATE audits SET letter_batch_id = @letter_batch_id, updated_at = now() WHERE id = @id;
