-- name: InsertEntry :exec
INSERT INTO audit_log (actor_user_id, actor, action, object_type, object_id, summary, request_id)
VALUES (@actor_user_id, @actor, @action, @object_type, @object_id, @summary, @request_id);

-- name: InsertEntries :exec
-- One statement appends an entry per object, in the order given.
INSERT INTO audit_log (actor_user_id, actor, action, object_type, object_id, summary, request_id)
SELECT @actor_user_id, @actor, @action, @object_type, o.object_id, s.summary, @request_id
FROM unnest(@object_ids::text[]) WITH ORDINALITY AS o(object_id, n)
JOIN unnest(@summaries::jsonb[]) WITH ORDINALITY AS s(summary, n) USING (n)
ORDER BY n;
