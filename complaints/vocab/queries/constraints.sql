-- name: PriorityConstraints :many
-- The CHECK constraints on the priority column of each table given, with
-- their definitions as PostgreSQL prints them, e.g.
-- CHECK ((priority = ANY (ARRAY['urgent'::text, 'high'::text]))).
SELECT cl.relname::text AS table_name,
       con.conname::text AS constraint_name,
       pg_catalog.pg_get_constraintdef(con.oid)::text AS definition
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid
JOIN pg_catalog.pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY (con.conkey)
WHERE con.contype = 'c'
  AND pg_catalog.pg_table_is_visible(cl.oid)
  AND cl.relname = ANY (@tables::text[])
  AND att.attname = 'priority'
ORDER BY cl.relname, con.conname;
