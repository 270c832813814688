-- name: AuditExists :one
SELECT EXISTS (SELECT 1 FROM audits WHERE id = @id);
