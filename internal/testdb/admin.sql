-- Statements that name a database, which cannot travel as an argument:
-- internal/sqlfilter quotes each @@name as one identifier.

-- query: create_from_template
CREATE DATABASE @@name TEMPLATE @@template

-- query: create
CREATE DATABASE @@name

-- query: drop
DROP DATABASE IF EXISTS @@name WITH (FORCE)

-- query: rename
ALTER DATABASE @@name RENAME TO @@new_name

-- query: mark_template
ALTER DATABASE @@name WITH IS_TEMPLATE true
