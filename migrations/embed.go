// Package migrations embeds the numbered SQL migrations of campaignwatch.
//
// Files are named NNN_description.up.sql and applied in numeric order by
// internal/database, each in its own transaction, under an advisory lock.
// A migration, once released, is never edited: write a new one.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
