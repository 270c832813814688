// Package i18ntest holds the checks every catalogue of web's pages must
// pass, for the tests of each package that has one (web, web/complaintform).
package i18ntest

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/web/internal/i18n"
)

// RequireBothLanguages fails unless c has the same keys in English and
// Welsh, no Welsh message is empty, and both translations of a key take
// the same arguments.
func RequireBothLanguages(t testing.TB, c i18n.Catalogue) {
	t.Helper()
	en, cy := c.Keys(i18n.English), c.Keys(i18n.Welsh)
	require.NotEmpty(t, en)
	require.Equal(t, en, cy, "en.json and cy.json must have the same keys")
	for _, k := range cy {
		require.NotEmpty(t, strings.TrimSpace(c[i18n.Welsh][k]), "cy.json %s is empty", k)
		require.Equal(t, strings.Count(c[i18n.English][k], "%"), strings.Count(c[i18n.Welsh][k], "%"),
			"%s: the translations must take the same arguments", k)
	}
}

// templateKey is a literal key a template asks for: {{t .Lang "key"}}.
var templateKey = regexp.MustCompile(`\{\{\s*t\s+\$?[.\w]*\s+"([^"]+)"`)

// RequireTemplateKeys fails unless every literal key the templates under
// dir of pages ask for is in c, and finds more than 20 of them (fewer
// means the pattern no longer matches how templates ask).
func RequireTemplateKeys(t testing.TB, pages fs.FS, dir string, c i18n.Catalogue) {
	t.Helper()
	found := 0
	err := fs.WalkDir(pages, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(pages, p)
		if err != nil {
			return err
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			found++
			require.True(t, c.Has(m[1]), "%s uses missing key %q", p, m[1])
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, found, 20)
}
