package render

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// testOrg is the default settings with a distinctive library entry, so a
// test can tell a link resolved from the settings from a constant.
func testOrg() *organisation.Settings {
	org := organisation.Defaults(nil)
	org.References = append(org.References, organisation.Reference{Key: "guidance.test", Title: "Guide [beta] *one*",
		TitleCY: "Canllaw ŵy", URL: "https://settings.test/guide_(1)", URLCY: "https://settings.test/cy/guide"})
	org.Address = []string{"Tŷ Rheoleiddio", "9 Settings Street", "Cardiff", "CF10 1AA"}
	org.Website = "https://settings.test"
	return org
}

const citing = "---\nsubject: About {{law \"PECR-22\"}} {{cite \"guidance.test\"}}\n---\nDear {{.RecipientName}},\n\nUnder {{law \"UKGDPR\"}} and {{law \"UKGDPR-14\"}}, read {{cite \"guidance.test\"}} and again {{cite \"guidance.test\"}}, and {{cite \"guidance.bulk-email\"}}.\n\n{{.SignatoryName}}  \n{{.SignatoryTitle}}\n"

// pdfToText extracts the text of a PDF with poppler's pdftotext.
func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "l.pdf")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}

func TestLawAndCitePrintCitationsAndLinksFromTheSettings(t *testing.T) {
	org := testOrg()
	tpl, err := ParseWith(citing, org)
	require.NoError(t, err)
	l, err := tpl.Render(tpl.Sample(), RenderOptions{Org: org})
	require.NoError(t, err)
	require.Equal(t, "About regulation 22 of the Privacy and Electronic Communications Regulations 2003 Guide [beta] *one* (https://settings.test/guide_(1))", l.Subject)
	text := strings.Join(strings.Fields(l.Text), " ")
	require.Contains(t, text, "the UK General Data Protection Regulation (UK GDPR)")
	require.Contains(t, text, "Article 14 of the UK GDPR")
	require.Contains(t, text, "Guide [beta] *one* (https://settings.test/guide_(1))")
	require.Contains(t, l.HTML, `href="https://settings.test/guide_(1)"`)
	require.Contains(t, l.HTML, `>Guide [beta] *one*</a>`)
	require.Contains(t, l.HTML, "Tŷ Rheoleiddio, 9 Settings Street")

	txt := pdfToText(t, l.PDF)
	require.Contains(t, txt, "Guide [beta] *one* [1]")
	require.Equal(t, 2, strings.Count(txt, "*one* [1]"), "one note for one address: %s", txt)
	require.Contains(t, txt, "[2]")
	require.Contains(t, txt, "Notes")
	require.Contains(t, txt, "[1] https://settings.test/guide_(1)")
	require.Contains(t, txt, "Tŷ Rheoleiddio", "the address needs the Unicode font")
	require.NotContains(t, txt, "PECR-")
	require.NotContains(t, txt, "UKGDPR")

	cy, err := tpl.Render(tpl.Sample(), RenderOptions{Org: org, Lang: "cy"})
	require.NoError(t, err)
	require.Contains(t, cy.Subject, "rheoliad 22 o Reoliadau Preifatrwydd")
	require.Contains(t, strings.Join(strings.Fields(cy.Text), " "), "Canllaw ŵy (https://settings.test/cy/guide)")
	ctxt := pdfToText(t, cy.PDF)
	require.Contains(t, ctxt, "Nodiadau")
	require.Contains(t, ctxt, "Canllaw ŵy [1]")
}

func TestUnknownKeysAreRefusedNamingTheLine(t *testing.T) {
	org := testOrg()
	cases := map[string]struct {
		src  string
		line int
		msg  string
	}{
		"guidance":    {"---\nsubject: x\n---\nDear\n\nSee {{if false}}{{cite \"guidance.foo\"}}{{end}}.\n", 6, `no guidance document has the key "guidance.foo"; the library has: guidance.political-campaigning, guidance.direct-marketing`},
		"law":         {"---\nsubject: x\n---\nDear\n\nline\n\nUnder {{law \"PECR-99\"}}.\n", 8, `no law or provision has the key "PECR-99"; the laws are UKGDPR, DPA-2018, PECR`},
		"subject":     {"---\nsubject: {{cite \"guidance.nope\"}}\n---\nDear\n", 2, `"guidance.nope"`},
		"not literal": {"---\nsubject: x\n---\nDear {{cite .PartyName}}\n", 4, "key in quotes"},
		"piped":       {"---\nsubject: x\n---\nDear\n{{\"UKGDPR\" | law}}\n", 5, "one key in quotes"},
	}
	for name, c := range cases {
		_, err := ParseWith(c.src, org)
		var le *LineError
		require.True(t, errors.As(err, &le), "%s: %v", name, err)
		require.Equal(t, c.line, le.Line, "%s: %v", name, err)
		require.Contains(t, le.Message, c.msg, name)
	}
	// A key the settings' library no longer has is refused when rendered.
	tpl, err := ParseWith(citing, org)
	require.NoError(t, err)
	_, err = tpl.Render(tpl.Sample(), RenderOptions{SkipPDF: true})
	var le *LineError
	require.True(t, errors.As(err, &le), "%v", err)
	require.Contains(t, le.Message, `no guidance document has the key "guidance.test"`)
	require.NotContains(t, le.Message, "error calling")
}

func TestWelshPDFUsesAUnicodeFontOnlyWhenNeeded(t *testing.T) {
	tpl, err := Parse("---\nsubject: Llythyr\n---\nAnnwyl {{.RecipientName}},\n\nMae'r ŵyl yn y tŷ, a'r ŷd yn y cae. Â chroeso.\n")
	require.NoError(t, err)
	l, err := tpl.Render(tpl.Sample(), RenderOptions{Lang: "cy"})
	require.NoError(t, err)
	txt := pdfToText(t, l.PDF)
	require.Contains(t, txt, "Mae'r ŵyl yn y tŷ, a'r ŷd yn y cae. Â chroeso.")
	require.Contains(t, txt, "Rheoleiddiwr Diogelu Data")
	require.Contains(t, txt, "Tudalen 1 o 1")
	require.True(t, strings.Contains(string(l.PDF), "FontFile2"), "a TrueType font is embedded")

	en, err := Parse("---\nsubject: Letter\n---\nDear {{.RecipientName}},\n\nCafé, naïve, Â.\n")
	require.NoError(t, err)
	plain, err := en.Render(en.Sample(), RenderOptions{})
	require.NoError(t, err)
	require.False(t, strings.Contains(string(plain.PDF), "FontFile2"), "a letter Windows-1252 can print keeps the standard font")
	require.Contains(t, pdfToText(t, plain.PDF), "Café, naïve, Â.")
}

func TestSignatureImageIsPrintedAboveTheSignatory(t *testing.T) {
	png, err := os.ReadFile("testdata/signature.png")
	require.NoError(t, err)
	org := testOrg()
	tpl, err := ParseWith(citing, org)
	require.NoError(t, err)
	v := tpl.Sample()
	with, err := tpl.Render(v, RenderOptions{Org: org, Signature: &organisation.Signatory{Name: v["SignatoryName"], Image: png, ImageType: "image/png"}})
	require.NoError(t, err)
	without, err := tpl.Render(v, RenderOptions{Org: org})
	require.NoError(t, err)
	require.True(t, strings.Contains(string(with.PDF), "/Subtype /Image"))
	require.False(t, strings.Contains(string(without.PDF), "/Subtype /Image"))
	require.NotContains(t, with.HTML, "<img", "the HTML leaves the signature out")
}
