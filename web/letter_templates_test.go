package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// seedLetterTemplates adds the standard letter templates and returns the
// elections service that added them, for tests that go on to call
// elections.
func seedLetterTemplates(t *testing.T, e *webtest.Env) *outreach.Service {
	t.Helper()
	svc, err := outreach.NewService(e.Pool, outreach.Settings{}, nil, fixture.InsertOnlyJobs(t, e.Pool))
	require.NoError(t, err)
	_, err = svc.Seed(audit.WithActor(context.Background(), audit.Actor{Label: "test"}))
	require.NoError(t, err)
	return svc
}

var previewFrame = regexp.MustCompile(`src="(/staff/letter-templates/previews/[0-9a-f]{32})/html"`)

func TestLetterTemplateEditorPreviewsSavesAndKeepsOldVersions(t *testing.T) {
	e := webtest.New(t, webtest.Options{})
	seedLetterTemplates(t, e)
	ctx := context.Background()
	c := e.SignedIn(staff.RolePoliticalTeam)

	res := c.Get("/staff/")
	require.Contains(t, webtest.ReadBody(res), `href="/staff/letter-templates"`, "the nav links to the editor")

	res = c.Get("/staff/letter-templates")
	body := webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Contains(t, body, `href="/staff/letter-templates/election-reminder"`)
	require.Contains(t, body, "complaints-follow-up")

	res = c.Get("/staff/letter-templates/election-reminder/edit")
	body = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Contains(t, body, `<textarea id="source" name="source"`)
	require.Contains(t, body, "Bulk emails and the BCC field")

	var v1 string
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT source FROM letter_templates WHERE name = 'election-reminder' AND lang = 'en' AND version = 1`).Scan(&v1))
	edited := strings.Replace(v1, "Sent by email only", "Sent by email only, with a PDF copy attached", 1)
	require.NotEqual(t, v1, edited)
	versions := func() int {
		var n int
		require.NoError(t, e.Pool.QueryRow(ctx, `SELECT count(*) FROM letter_templates WHERE name = 'election-reminder' AND lang = 'en'`).Scan(&n))
		return n
	}

	// Preview: the three forms of the letter, and nothing saved.
	res = c.PostForm("/staff/letter-templates/election-reminder/edit", url.Values{
		"source": {edited}, "note": {"mention the PDF"}, "base_version": {"1"}, "action": {"preview"}})
	body = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Equal(t, 1, versions(), "a preview saves nothing")
	require.Contains(t, body, "with a PDF copy attached", "the plain-text preview and the textarea show the edit")
	require.Contains(t, body, "Alex Morgan", "the preview uses sample values")
	require.Contains(t, body, `value="mention the PDF"`, "the note survives the preview")
	m := previewFrame.FindStringSubmatch(body)
	require.NotNil(t, m, "the preview shows the HTML in a frame: %s", body)
	res = c.Get(m[1] + "/html")
	html := webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, html)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "sandbox")
	require.Equal(t, "SAMEORIGIN", res.Header.Get("X-Frame-Options"))
	require.Contains(t, html, "with a PDF copy attached")
	require.Contains(t, html, "<html")
	require.Contains(t, body, m[1]+"/pdf")
	res = c.Get(m[1] + "/pdf")
	require.Equal(t, "application/pdf", res.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(webtest.ReadBody(res), "%PDF-"))
	// A preview belongs to the user who made it.
	other := e.SignedIn(staff.RoleAdmin)
	res = other.Get(m[1] + "/html")
	require.Equal(t, 404, res.StatusCode, webtest.ReadBody(res))

	// Save with an unknown field: rejected, naming the line, linked to the
	// textarea from the error summary; nothing saved.
	lines := strings.Split(edited, "\n")
	lines[8] = "Sent by {{.Courier}}"
	res = c.PostForm("/staff/letter-templates/election-reminder/edit", url.Values{
		"source": {strings.Join(lines, "\n")}, "base_version": {"1"}, "action": {"save"}})
	body = webtest.ReadBody(res)
	require.Equal(t, 422, res.StatusCode, body)
	require.Contains(t, body, `class="error-summary"`)
	require.Regexp(t, `<a href="#source">[^<]*line 9[^<]*Courier`, body)
	require.Contains(t, body, `id="source-error"`)
	require.Contains(t, body, "Sent by {{.Courier}}", "the textarea keeps what was typed")
	require.Equal(t, 1, versions())

	// A parse error is named with its line too.
	lines[8] = "Sent by {{.PartyName | shout}}"
	res = c.PostForm("/staff/letter-templates/election-reminder/edit", url.Values{
		"source": {strings.Join(lines, "\n")}, "action": {"preview"}})
	body = webtest.ReadBody(res)
	require.Equal(t, 422, res.StatusCode, body)
	require.Regexp(t, `<a href="#source">[^<]*line 9`, body)
	require.NotRegexp(t, previewFrame, body)
	require.Equal(t, 1, versions())

	// Save: version 2, by this user, audited.
	res = c.PostForm("/staff/letter-templates/election-reminder/edit", url.Values{
		"source": {edited}, "note": {"mention the PDF"}, "base_version": {"1"}, "action": {"save"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, webtest.ReadBody(res))
	require.Equal(t, "/staff/letter-templates/election-reminder", res.Header.Get("Location"))
	require.Equal(t, 2, versions())
	var source, note string
	var by int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT source, note, created_by FROM letter_templates WHERE name = 'election-reminder' AND lang = 'en' AND version = 2`).Scan(&source, &note, &by))
	require.Equal(t, edited, source)
	require.Equal(t, "mention the PDF", note)
	require.Equal(t, c.User.ID, by)
	var audited int
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'letter_template.save' AND actor_user_id = $1`, c.User.ID).Scan(&audited))
	require.Equal(t, 1, audited)

	// The template page lists both versions with who saved them.
	res = c.Get("/staff/letter-templates/election-reminder")
	body = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Contains(t, body, "Version 2</a> (current)")
	require.Contains(t, body, `href="/staff/letter-templates/election-reminder/versions/1"`)
	require.Contains(t, body, c.User.Email)
	require.Contains(t, body, "mention the PDF")

	// The old version stays readable, rendered too.
	res = c.Get("/staff/letter-templates/election-reminder/versions/1")
	body = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, body)
	require.Contains(t, body, "This is an earlier version")
	require.Contains(t, body, "Sent by email only\n")
	require.NotContains(t, body, "with a PDF copy attached")
	res = c.Get("/staff/letter-templates/election-reminder/versions/1/html")
	html = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "sandbox")
	require.NotContains(t, html, "with a PDF copy attached")
	res = c.Get("/staff/letter-templates/election-reminder/versions/2/pdf")
	require.True(t, strings.HasPrefix(webtest.ReadBody(res), "%PDF-"))
	res = c.Get("/staff/letter-templates/election-reminder/versions/9")
	require.Equal(t, 404, res.StatusCode)
	res = c.Get("/staff/letter-templates/no-such-template")
	require.Equal(t, 404, res.StatusCode)

	// Editing from an old version starts from its source.
	res = c.Get("/staff/letter-templates/election-reminder/edit?from=1")
	body = webtest.ReadBody(res)
	require.Contains(t, body, "You started from version 1; the current version is 2")
	require.NotContains(t, body, "with a PDF copy attached")
}

func TestLetterTemplateEditorIsForAdminAndPoliticalTeam(t *testing.T) {
	e := webtest.New(t, webtest.Options{})
	seedLetterTemplates(t, e)
	admin := e.SignedIn(staff.RoleAdmin)
	res := admin.Get("/staff/letter-templates/audit-follow-up/edit")
	require.Equal(t, 200, res.StatusCode, webtest.ReadBody(res))

	for _, role := range []staff.Role{staff.RoleTriageOfficer, staff.RoleAnalyst} {
		c := e.SignedIn(role)
		res := c.Get("/staff/")
		require.NotContains(t, webtest.ReadBody(res), `href="/staff/letter-templates"`, role)
		for _, p := range []string{"/staff/letter-templates", "/staff/letter-templates/audit-follow-up",
			"/staff/letter-templates/audit-follow-up/versions/1", "/staff/letter-templates/audit-follow-up/edit"} {
			res := c.Get(p)
			require.Equal(t, http.StatusForbidden, res.StatusCode, "%s %s", role, p)
			res.Body.Close()
		}
		res = c.PostForm("/staff/letter-templates/audit-follow-up/edit", url.Values{
			"csrf_token": {c.CSRFToken("/staff/")}, "source": {"---\nsubject: x\n---\nhello"}, "action": {"save"}})
		require.Equal(t, http.StatusForbidden, res.StatusCode, role)
		res.Body.Close()
	}
	var n int
	require.NoError(t, e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM letter_templates WHERE name = 'audit-follow-up' AND lang = 'en'`).Scan(&n))
	require.Equal(t, 1, n)

	// Signed out: sent to sign in.
	res = e.Anonymous().Get("/staff/letter-templates")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
}

func TestLetterTemplatePreviewRefusesATemplateThatProducesTooMuch(t *testing.T) {
	e := webtest.New(t, webtest.Options{})
	seedLetterTemplates(t, e)
	c := e.SignedIn(staff.RolePoliticalTeam)
	hostile := "---\nsubject: x\n---\n{{range 2000}}{{range 2000}}Lorem ipsum dolor sit. {{end}}\n\n{{end}}\n"
	for _, action := range []string{"preview", "save"} {
		res := c.PostForm("/staff/letter-templates/election-reminder/edit", url.Values{
			"source": {hostile}, "base_version": {"1"}, "action": {action}})
		body := webtest.ReadBody(res)
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
		require.Contains(t, body, "This template produces more than 100 KB of text.", action)
	}
	var n int
	require.NoError(t, e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM letter_templates WHERE name = 'election-reminder' AND lang = 'en'`).Scan(&n))
	require.Equal(t, 1, n, "nothing saved")
}
