// Package database opens campaignwatch's PostgreSQL pool and applies its
// migrations.
//
// Migrations are the numbered files embedded by package migrations plus
// River's own schema, applied by one command under a PostgreSQL advisory
// lock so that two instances starting at once cannot race: the second waits,
// then finds nothing left to do. Each of our migrations runs in its own
// transaction and is recorded, with a checksum, in schema_migrations.
package database
