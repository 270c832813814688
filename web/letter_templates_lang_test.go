package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

var bilingualFrame = regexp.MustCompile(`src="(/staff/letter-templates/previews/[0-9a-f]{32})/html"`)

func TestLetterTemplateEditorEditsTheWelshVersionAndPreviewsBilingual(t *testing.T) {
	e := webtest.New(t, webtest.Options{})
	seedLetterTemplates(t, e)
	ctx := context.Background()
	c := e.SignedIn(staff.RolePoliticalTeam)
	count := func(lang string) int {
		var n int
		require.NoError(t, e.Pool.QueryRow(ctx, `SELECT count(*) FROM letter_templates WHERE name = 'election-reminder' AND lang = $1`, lang).Scan(&n))
		return n
	}

	res := c.Get("/staff/letter-templates")
	body := webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Contains(t, body, "Welsh version")

	res = c.Get("/staff/letter-templates/election-reminder")
	body = webtest.ReadBody(res)
	require.Contains(t, body, `href="/staff/letter-templates/election-reminder/versions/1?lang=cy"`)
	require.Contains(t, body, `href="/staff/letter-templates/election-reminder/edit?lang=cy"`)

	// The Welsh tab: its source, and the keys to cite in Welsh.
	res = c.Get("/staff/letter-templates/election-reminder/edit?lang=cy")
	body = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Contains(t, body, "Edit the Welsh version of Election reminder")
	require.Contains(t, body, `<strong aria-current="page">Welsh (Cymraeg)</strong>`)
	require.Contains(t, body, `href="/staff/letter-templates/election-reminder/edit">English</a>`)
	require.Contains(t, body, "E-byst swmp a&#39;r maes BCC")
	require.Contains(t, body, `name="lang" value="cy"`)
	require.Contains(t, body, "<code>{{cite &#34;guidance.bulk-email&#34;}}</code>")
	require.Contains(t, body, "Canllawiau ar anfon negeseuon e-bost swmp")
	require.Contains(t, body, "<code>{{law &#34;PECR-22&#34;}}</code>")
	require.Contains(t, body, "rheoliad 22 o Reoliadau Preifatrwydd a Chyfathrebu Electronig 2003")

	var cy string
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT source FROM letter_templates WHERE name = 'election-reminder' AND lang = 'cy'`).Scan(&cy))

	// An unknown guidance key: refused, with its line, beside the field.
	lines := strings.Split(cy, "\n")
	lines[16] = `Darllenwch {{cite "guidance.foo"}}.`
	res = c.PostForm("/staff/letter-templates/election-reminder/edit", url.Values{
		"source": {strings.Join(lines, "\n")}, "lang": {"cy"}, "base_version": {"1"}, "action": {"save"}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
	require.Regexp(t, `<a href="#source">The template has a problem on line 17: no guidance document has the key &#34;guidance.foo&#34;; the library has: guidance.political-campaigning, guidance.direct-marketing, guidance.bulk-email`, body)
	require.Regexp(t, `id="source-error" class="error-message"><span class="visually-hidden">Error:</span> The template has a problem on line 17`, body)
	require.Equal(t, 1, count("cy"))

	// Preview: the Welsh letter alone and the bilingual letter.
	edited := strings.Replace(cy, "Nodwch ein cyfeirnod", "Cofiwch nodi ein cyfeirnod", 1)
	res = c.PostForm("/staff/letter-templates/election-reminder/edit", url.Values{
		"source": {edited}, "lang": {"cy"}, "base_version": {"1"}, "action": {"preview"}})
	body = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Contains(t, body, "Cofiwch nodi ein cyfeirnod")
	frames := bilingualFrame.FindAllStringSubmatch(body, -1)
	require.Len(t, frames, 2, "the Welsh preview and the bilingual one")
	res = c.Get(frames[1][1] + "/html")
	html := webtest.ReadBody(res)
	require.Contains(t, html, `<html lang="cy">`)
	require.Contains(t, html, "Cofiwch nodi ein cyfeirnod")
	require.Less(t, strings.Index(html, `<div lang="cy">`), strings.Index(html, `<div lang="en">`))
	require.Contains(t, html, "Dear Alex Morgan")
	res = c.Get(frames[1][1] + "/pdf")
	require.True(t, strings.HasPrefix(webtest.ReadBody(res), "%PDF-"))
	require.Equal(t, 1, count("cy"), "a preview saves nothing")

	// Save: Welsh version 2; the English is untouched.
	res = c.PostForm("/staff/letter-templates/election-reminder/edit", url.Values{
		"source": {edited}, "lang": {"cy"}, "base_version": {"1"}, "note": {"geiriad"}, "action": {"save"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, webtest.ReadBody(res))
	require.Equal(t, 2, count("cy"))
	require.Equal(t, 1, count("en"))
	res = c.Get("/staff/letter-templates/election-reminder/versions/2?lang=cy")
	body = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Contains(t, body, "Election reminder, Welsh version 2")
	require.Contains(t, body, "Cofiwch nodi ein cyfeirnod")
	require.Contains(t, body, `/versions/2/pdf?lang=cy`)
	res = c.Get("/staff/letter-templates/election-reminder/versions/2/pdf?lang=cy")
	require.Equal(t, "application/pdf", res.Header.Get("Content-Type"))
	res.Body.Close()
	res = c.Get("/staff/letter-templates/election-reminder/versions/2")
	require.Equal(t, 404, res.StatusCode, "there is no English version 2")
	res.Body.Close()
}

// TestBrowserLetterTemplateEditor edits the Welsh version in Chromium: an
// unknown key is shown beside the field, and the previews render; axe-core
// checks every page.
func TestBrowserLetterTemplateEditor(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	seedLetterTemplates(t, e)
	c := e.SignedIn(staff.RolePoliticalTeam)
	browser := newBrowser(t)
	b := newTab(t, browser, e.Server.URL)
	base, err := url.Parse(e.Server.URL)
	require.NoError(t, err)
	for _, ck := range c.Jar.Cookies(base) {
		_, err := chromedp.Call(b.ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: e.Server.URL, Path: "/"})
		require.NoError(t, err)
	}
	b.open("/staff/letter-templates/election-reminder/edit?lang=cy")
	src := eval[string](b, `document.getElementById("source").value`)
	require.Contains(t, src, "Annwyl {{.RecipientName}},")
	b.set("source", strings.Replace(src, `{{cite "guidance.bulk-email"}}`, `{{cite "guidance.bulk-emails"}}`, 1))
	b.submit(`button[value=preview]`, "/staff/letter-templates/election-reminder/edit")
	require.Contains(t, b.text("#source-error"), `no guidance document has the key "guidance.bulk-emails"`)
	require.Contains(t, b.text(".error-summary"), "line ")
	b.set("source", src)
	b.submit(`button[value=preview]`, "/staff/letter-templates/election-reminder/edit")
	require.Contains(t, b.text("#preview-bilingual"), "Bilingual preview")
	require.Equal(t, 2, eval[int](b, `document.querySelectorAll("iframe.message-frame").length`))
	t.Logf("axe checked %d pages", b.axe)
}
