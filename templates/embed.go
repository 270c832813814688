// Package templates embeds the service's templates: the HTML pages of the
// web interface (pages/) and the letter templates seeded into the database
// (letters/).
package templates

import "embed"

// Pages holds the html/template files of the web interface. Every page
// defines "title" and "content" and is rendered inside layout.html.
//
//go:embed pages/*.html
var Pages embed.FS

// Letters holds the Markdown letter templates seeded into the database.
//
//go:embed letters
var Letters embed.FS
