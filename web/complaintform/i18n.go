package complaintform

import (
	"embed"

	"github.com/campaignwatch/campaignwatch/web/internal/i18n"
)

// The form's wording, in English and Welsh, in locales/<lang>.json; the
// layout around it keeps its own in web/locales.
//
//go:embed locales/*.json
var localesFS embed.FS

var catalogue = i18n.MustLoad(localesFS, "locales")

// translate returns key's message in lang (see i18n.Catalogue.Translate).
func translate(lang, key string, args ...any) string {
	return catalogue.Translate(lang, key, args...)
}

// hasMessage reports whether key exists in the form's English catalogue.
func hasMessage(key string) bool { return catalogue.Has(key) }
