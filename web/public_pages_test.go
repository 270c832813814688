package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// publicPaths are the pages the public reaches by GET: every public GET
// route of the role table (routes_roles_test.go) that shows a page, so a
// new public page is walked as soon as it is registered (the form's later
// steps send a visitor without a draft back to its first page, which is
// checked too), and made-up paths for the 404 page.
func publicPaths() []string {
	operations := map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/static/": true}
	var out []string
	for route, roles := range routeRoles {
		path, ok := strings.CutPrefix(route, "GET ")
		if !ok || roles != nil || operations[path] || strings.HasPrefix(path, "/staff") || strings.HasPrefix(path, "/api/") {
			continue
		}
		out = append(out, path)
	}
	sort.Strings(out)
	return append(out, "/no-such-page", "/complaints/new/no-such-step")
}

// catalogue reads one of the message catalogues as it is on disk.
func catalogue(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]string
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// otherLanguageStrings are the wordings a page in lang must not contain:
// every message of the site's and the form's catalogues whose two
// languages differ, in the other language, plus words written into
// templates and handlers rather than a catalogue (which would be a bug).
// Format verbs split a message into the fragments checked; fragments too
// short to be told from a name are left out.
func otherLanguageStrings(t *testing.T, lang string) []string {
	t.Helper()
	other := "en"
	if lang == "en" {
		other = "cy"
	}
	seen := map[string]bool{}
	for _, dir := range []string{"locales", "complaintform/locales"} {
		mine, theirs := catalogue(t, dir+"/"+lang+".json"), catalogue(t, dir+"/"+other+".json")
		for k, v := range theirs {
			// The switch names the other language, in that language.
			if k == "layout.switch_label" || mine[k] == v {
				continue
			}
			for _, frag := range regexp.MustCompile(`%[a-z]`).Split(v, -1) {
				if frag = strings.TrimSpace(frag); len([]rune(frag)) >= 12 {
					seen[frag] = true
				}
			}
		}
	}
	if lang == "cy" {
		for _, s := range []string{"Skip to main content", "Contact us", "Phone", "Website", "Page not found",
			"Internal Server Error", "Method Not Allowed", "Back", "Continue", "Error:"} {
			seen[s] = true
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

var (
	tagRE   = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// visibleText is a page's text as a reader sees it, with the title.
func visibleText(body string) string {
	return spaceRE.ReplaceAllString(html.UnescapeString(tagRE.ReplaceAllString(body, " ")), " ")
}

func requirePageIn(t *testing.T, lang, path, body string, forbidden []string) {
	t.Helper()
	require.Contains(t, body, `<html lang="`+lang+`">`, "%s in %s", path, lang)
	text := visibleText(body)
	for _, s := range forbidden {
		require.NotContains(t, text, s, "%s in %s shows a wording of the other language", path, lang)
	}
}

func TestEveryPublicPageIsInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	for _, lang := range []string{"cy", "en"} {
		forbidden := otherLanguageStrings(t, lang)
		c := env.Anonymous()
		paths := publicPaths()
		require.Contains(t, paths, "/complaints/new/confirmation")
		for _, p := range paths {
			// ?lang= on the first page; the cookie it sets carries the
			// language to the pages after it, as the switch does.
			path := p
			if p == "/" {
				path = "/?lang=" + lang
			}
			res := c.Get(path)
			for hops := 0; res.StatusCode == http.StatusSeeOther || res.StatusCode == http.StatusFound; hops++ {
				require.Less(t, hops, 5, path)
				loc := res.Header.Get("Location")
				res.Body.Close()
				res = c.Get(loc)
			}
			body := webtest.ReadBody(res)
			require.Contains(t, []int{http.StatusOK, http.StatusNotFound}, res.StatusCode, "%s: %s", path, body)
			requirePageIn(t, lang, path, body, forbidden)
		}
		// A method a page does not take: the 405 page.
		res := c.Do(mustRequest(t, http.MethodPut, env.Server.URL+"/privacy"), "")
		body := webtest.ReadBody(res)
		require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
		requirePageIn(t, lang, "PUT /privacy", body, forbidden)
		if lang == "cy" {
			require.Contains(t, body, "Nid oes modd gwneud hyn ar y dudalen hon")
			require.Contains(t, visibleText(body), "Cysylltu â ni")
		}
	}
}

func mustRequest(t *testing.T, method, u string) *http.Request {
	req, err := http.NewRequest(method, u, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html")
	return req
}

// The public pages read the settings in force at each request: after a
// save they show the new particulars at once.
func TestPublicPagesShowTheSettingsInForce(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()
	for _, p := range []string{"/", "/privacy", "/accessibility", "/complaints/new", "/no-such-page"} {
		body := webtest.ReadBody(c.Get(p))
		text := visibleText(body)
		require.Contains(t, text, "Regulator House", p)
		require.Contains(t, text, "0303 123 4567", p)
		require.Contains(t, body, `href="mailto:campaigns@regulator.example.org"`, p)
		require.Contains(t, body, `href="https://www.regulator.example.org"`, p)
	}

	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	cur, err := env.App.OrgStore.Current(ctx)
	require.NoError(t, err)
	next := *cur
	next.Address = []string{"Tŷ'r Rheoleiddiwr", "2 New Street", "Cardiff", "CF10 1AA"}
	next.Phone = "029 2000 0000"
	next.DPO = organisation.Contact{Name: "Jo Bloggs", Email: "jo.bloggs@regulator.example.org", Phone: "029 2000 0001"}
	next.Controller.Email = "controller@regulator.example.org"
	next.Controller.Address = next.Address
	_, err = env.App.OrgStore.Save(ctx, &next, "Moved to Cardiff")
	require.NoError(t, err)

	for _, p := range []string{"/", "/privacy", "/accessibility", "/complaints/new", "/no-such-page"} {
		text := visibleText(webtest.ReadBody(c.Get(p)))
		require.Contains(t, text, "2 New Street", p)
		require.Contains(t, text, "029 2000 0000", p)
		require.NotContains(t, text, "Regulator House", p)
	}
	privacy := webtest.ReadBody(c.Get("/privacy?lang=cy"))
	text := visibleText(privacy)
	require.Contains(t, text, "Pwy sy'n gyfrifol am eich gwybodaeth")
	require.Contains(t, text, "Rheoleiddiwr Diogelu Data") // the controller, in Welsh
	require.Contains(t, privacy, `href="mailto:controller@regulator.example.org"`)
	require.Contains(t, text, "Ein swyddog diogelu data")
	require.Contains(t, text, "Jo Bloggs")
	require.Contains(t, privacy, `href="mailto:jo.bloggs@regulator.example.org"`)
	require.Contains(t, text, "029 2000 0001")
}

// The confirmation page, after a complaint is sent, says how to contact
// the regulator from the settings in force, in the visitor's language.
func TestConfirmationPageShowsHowToContactTheRegulator(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	partyID := addParty(t, env, "Example Party")
	for _, lang := range []string{"cy", "en"} {
		w := formtest.NewWalker(t, env)
		status, _ := w.Get("/complaints/new?lang=" + lang)
		require.Equal(t, http.StatusOK, status)
		day := time.Now().AddDate(0, 0, -1)
		w.Step("/complaints/new", url.Values{"channel": {"email"}}, "/complaints/new/sender")
		w.Step("/complaints/new/sender", url.Values{"sender": {"news@party.example"},
			"received_day": {fmt.Sprint(day.Day())}, "received_month": {fmt.Sprint(int(day.Month()))},
			"received_year": {fmt.Sprint(day.Year())}}, "/complaints/new/message")
		w.Step("/complaints/new/message", url.Values{"message": {"Vote for us on Thursday"}, "description": {"I never signed up."}}, "/complaints/new/contacted")
		w.Step("/complaints/new/contacted", url.Values{"contacted": {"me@example.org"}, "work_address": {"no"}}, "/complaints/new/permission")
		w.Step("/complaints/new/permission", url.Values{"consent": {"no"}, "member": {"no"}, "opted_out": {"no"},
			"sender_identified": {"yes"}, "opt_out_offered": {"no"}}, "/complaints/new/party")
		w.Step("/complaints/new/party", url.Values{"party": {fmt.Sprint(partyID)}}, "/complaints/new/evidence")
		status, loc, body := w.Upload("", nil, "continue")
		require.Equal(t, http.StatusSeeOther, status, body)
		require.Equal(t, "/complaints/new/about-you", loc)
		w.Step("/complaints/new/about-you", url.Values{"may_contact": {"no"}}, "/complaints/new/check")
		w.Step("/complaints/new/check", url.Values{}, "/complaints/new/confirmation")
		status, body = w.Get("/complaints/new/confirmation")
		require.Equal(t, http.StatusOK, status, body)
		requirePageIn(t, lang, "confirmation", body, otherLanguageStrings(t, lang))
		text := visibleText(body)
		want := map[string]string{"cy": "Os oes angen i chi gysylltu â ni", "en": "If you need to contact us"}[lang]
		require.Contains(t, text, want)
		require.Regexp(t, want+` .*Regulator House, ?1 Example Street|`+want+`.*Regulator House`, text)
		require.Contains(t, body, `class="cf-contact"`)
	}
}
