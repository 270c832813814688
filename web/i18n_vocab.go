package web

import (
	"fmt"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// vocabularyMessages are the catalogue entries the complaint vocabulary
// owns: the form's channel choices (channel.<code>), in lang. They live in
// complaints/vocab, not in locales/*.json, so a channel's wording has one
// source; the catalogues are completed with them when they are loaded.
func vocabularyMessages(lang string) map[string]string {
	out := map[string]string{}
	for _, c := range vocab.Channels {
		out["channel."+c.Code] = c.Choice.In(lang)
	}
	return out
}

// addVocabulary adds vocabularyMessages to lang's catalogue m, refusing a
// key both define (the wording would then have two sources).
func addVocabulary(lang string, m map[string]string) {
	for k, v := range vocabularyMessages(lang) {
		if _, dup := m[k]; dup {
			panic(fmt.Sprintf("locale %s: %s is defined by complaints/vocab; remove it from locales/%s.json", lang, k, lang))
		}
		m[k] = v
	}
}
