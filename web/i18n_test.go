package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	en, cy := catalogueKeys(langEnglish), catalogueKeys(langWelsh)
	require.NotEmpty(t, en)
	require.Equal(t, en, cy, "en.json and cy.json must have the same keys")
	for _, k := range cy {
		require.NotEmpty(t, strings.TrimSpace(catalogues[langWelsh][k]), "cy.json %s is empty", k)
		require.Equal(t, strings.Count(catalogues[langEnglish][k], "%"), strings.Count(catalogues[langWelsh][k], "%"),
			"%s: the translations must take the same arguments", k)
	}
}

// Every literal key a page of the site asks for ({{t .Lang "key"}}) exists
// in its catalogue (the complaint form's pages are checked against the
// form's catalogue in web/complaintform).
func TestEveryUsedMessageKeyExists(t *testing.T) {
	literal := regexp.MustCompile(`\{\{\s*t\s+\$?[.\w]*\s+"([^"]+)"`)
	found := 0
	err := fs.WalkDir(pagesFS, "pages", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(pagesFS, p)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			found++
			require.True(t, hasMessage(m[1]), "%s uses missing key %q", p, m[1])
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, found, 20)
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
