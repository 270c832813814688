-- Statements that name a database, which cannot travel as an argument:
-- internal/sqlfilter quotes each @@name as one identifier.

-- query: create_database
CREATE DATABASE @@name
