package web

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/internal/i18n/i18ntest"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	i18ntest.RequireBothLanguages(t, catalogues)
}

// Every literal key a page of the site asks for ({{t .Lang "key"}}) exists
// in its catalogue (the complaint form's pages are checked against the
// form's catalogue in web/complaintform).
func TestEveryUsedMessageKeyExists(t *testing.T) {
	i18ntest.RequireTemplateKeys(t, pagesFS, "pages", catalogues)
}

// TestEveryErrorHasAPageInBothLanguages checks that each kind of error a
// page can show has a title in both catalogues, and, except for answers
// that need fixing (whose messages are written in the visitor's language),
// a Welsh body to stand for the English message.
func TestEveryErrorHasAPageInBothLanguages(t *testing.T) {
	for code := range statusOf {
		for _, lang := range []string{langEnglish, langWelsh} {
			_, ok := catalogues[lang]["error.title."+string(code)]
			require.True(t, ok, "%s.json has no error.title.%s", lang, code)
			if code != "invalid" {
				_, ok = catalogues[lang]["error.body."+string(code)]
				require.True(t, ok, "%s.json has no error.body.%s", lang, code)
			}
		}
	}
}
