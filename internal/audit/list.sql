-- The audit log viewer's query: conditions are chosen by audit.Filter.

-- query: list
SELECT id, at, actor, action, object_type, object_id, summary, request_id
FROM audit_log
WHERE /*conditions*/
ORDER BY id DESC
LIMIT @limit

-- condition: actor
actor = @actor

-- condition: action_prefix
starts_with(action, @action)

-- condition: object_type
object_type = @object_type

-- condition: object_id
object_id = @object_id

-- condition: from
at >= @from

-- condition: to
at < @to

-- condition: before_id
id < @before_id
