package complaintform

import (
	"embed"
	"fmt"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/web/internal/i18n"
)

// The form's wording, in English and Welsh, in locales/<lang>.json; the
// layout around it keeps its own in web/locales.
//
//go:embed locales/*.json
var localesFS embed.FS

var catalogue = withVocabulary(i18n.MustLoad(localesFS, "locales"))

// translate returns key's message in lang (see i18n.Catalogue.Translate).
func translate(lang, key string, args ...any) string {
	return catalogue.Translate(lang, key, args...)
}

// hasMessage reports whether key exists in the form's English catalogue.
func hasMessage(key string) bool { return catalogue.Has(key) }

// vocabularyMessages are the catalogue entries the complaint vocabulary
// owns: the channel choices (channel.<code>), in lang. They live in
// complaints/vocab, not in locales/*.json, so a channel's wording has one
// source; the catalogue is completed with them when it is loaded.
func vocabularyMessages(lang string) map[string]string {
	out := map[string]string{}
	for _, c := range vocab.Channels {
		out["channel."+c.Code] = c.Choice.In(lang)
	}
	return out
}

// withVocabulary adds vocabularyMessages to every language of c, refusing
// a key both define (the wording would then have two sources).
func withVocabulary(c i18n.Catalogue) i18n.Catalogue {
	for lang, m := range c {
		for k, v := range vocabularyMessages(lang) {
			if _, dup := m[k]; dup {
				panic(fmt.Sprintf("locale %s: %s is defined by complaints/vocab; remove it from locales/%s.json", lang, k, lang))
			}
			m[k] = v
		}
	}
	return c
}
