package web

import "embed"

// staticFS holds the stylesheet and icons. They are ours: no third-party
// fonts or scripts are loaded from anywhere.
//
//go:embed static
var staticFS embed.FS
