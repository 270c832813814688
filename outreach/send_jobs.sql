-- The condition that picks one letter's send jobs out of River's job list
-- (river.JobListParams.Where; River adds kind, states, order and limit).
-- The containment test on args uses River's index on them.

-- query: letter
args @> jsonb_build_object('letter_id', @letter_id::bigint)
