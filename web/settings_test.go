package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// settingsValues is what the settings form posts for org unchanged (the
// version it started from, every field, a blank reference row).
func settingsValues(org *organisation.Settings) url.Values {
	v := url.Values{
		"version": {strconv.Itoa(org.Version)}, "name": {org.Name}, "name_cy": {org.NameCY}, "unit": {org.Unit}, "unit_cy": {org.UnitCY},
		"address": {strings.Join(org.Address, "\r\n")}, "phone": {org.Phone}, "website": {org.Website}, "contact_mailbox": {org.ContactMailbox},
		"controller_name": {org.Controller.Name}, "controller_name_cy": {org.Controller.NameCY}, "controller_email": {org.Controller.Email},
		"controller_address": {strings.Join(org.Controller.Address, "\r\n")}, "controller_phone": {org.Controller.Phone},
		"dpo_name": {org.DPO.Name}, "dpo_name_cy": {org.DPO.NameCY}, "dpo_email": {org.DPO.Email},
		"dpo_address": {strings.Join(org.DPO.Address, "\r\n")}, "dpo_phone": {org.DPO.Phone},
		"reference_rows": {strconv.Itoa(len(org.References) + 1)},
	}
	for k, sg := range org.Signatories {
		id := strings.TrimSuffix(organisation.SignatoryField(k, ""), "-")
		v.Add("signatory_key", k)
		v.Set(id+"-name", sg.Name)
		v.Set(id+"-title", sg.Title)
		v.Set(id+"-title_cy", sg.TitleCY)
	}
	for i, r := range org.References {
		f := func(n string) string { return organisation.ReferenceField(i, n) }
		v.Set(f("key"), r.Key)
		v.Set(f("title"), r.Title)
		v.Set(f("title_cy"), r.TitleCY)
		v.Set(f("url"), r.URL)
		v.Set(f("url_cy"), r.URLCY)
	}
	return v
}

// postSettings posts the settings form as a browser does: multipart,
// with the page's CSRF token and the files given (field → content).
func postSettings(t *testing.T, c *webtest.Client, v url.Values, files map[string][]byte) (int, string, string) {
	t.Helper()
	v.Set("csrf_token", c.CSRFToken("/staff/settings"))
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vals := range v {
		for _, val := range vals {
			require.NoError(t, mw.WriteField(k, val))
		}
	}
	for field, data := range files {
		fw, err := mw.CreateFormFile(field, "signature.png")
		require.NoError(t, err)
		_, _ = fw.Write(data)
	}
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, c.URL("/staff/settings"), &buf)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res := c.Do(req, "")
	body := webtest.ReadBody(res)
	return res.StatusCode, res.Header.Get("Location"), body
}

func TestSettingsPageIsForAdminsOnly(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	for _, role := range []staff.Role{staff.RolePoliticalTeam, staff.RoleTriageOfficer, staff.RoleAnalyst} {
		c := env.SignedIn(role)
		res := c.Get("/staff/settings")
		require.Equal(t, http.StatusForbidden, res.StatusCode, role)
		res.Body.Close()
		home := webtest.ReadBody(c.Get("/staff/"))
		require.NotContains(t, home, `href="/staff/settings"`, "no link to the settings for %s", role)
	}
	admin := env.SignedIn(staff.RoleAdmin)
	home := webtest.ReadBody(admin.Get("/staff/"))
	require.Contains(t, home, `href="/staff/settings"`)
}

func TestAdminSavesSettingsAndThePublicSeesThem(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	admin := env.SignedIn(staff.RoleAdmin)
	ctx := context.Background()
	cur, err := env.App.OrgStore.Current(ctx)
	require.NoError(t, err)

	res := admin.Get("/staff/settings")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, `id="contact_mailbox" name="contact_mailbox" value="campaigns@regulator.example.org"`)
	require.Contains(t, body, `name="signatory_key" value="audit-follow-up"`)
	require.Contains(t, body, `href="/staff/settings/versions/1"`)

	// Every problem at once, each beside its field, the answers kept.
	bad := settingsValues(cur)
	bad.Set("name", "")
	bad.Set("website", "www.regulator.example.org")
	bad.Set("phone", "0800 TYPED")
	bad.Set("signatory-audit-follow-up-title", "")
	bad.Set(organisation.ReferenceField(1, "key"), cur.References[0].Key)
	bad.Set(organisation.ReferenceField(0, "remove"), "1") // removed: the duplicate is then no duplicate
	bad.Set(organisation.ReferenceField(2, "url"), "ftp://example.org/x")
	status, _, body := postSettings(t, admin, bad, map[string][]byte{
		"signatory-default-image": []byte("plain text pretending to be a PNG"),
	})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body, `class="error-summary"`)
	for _, field := range []string{"name", "website", "phone", "signatory-audit-follow-up-title", "signatory-default-image", "reference-2-url"} {
		require.Contains(t, body, `<a href="#`+field+`">`, field)
		require.Contains(t, body, `id="`+field+`-error"`, field)
	}
	require.NotContains(t, body, `<a href="#reference-1-key">`)
	require.Contains(t, body, "The signature image for any other letter must be a PNG or JPEG picture")
	require.Contains(t, body, "Enter the web address of document 3 as a full address")
	require.Contains(t, body, `value="0800 TYPED"`)
	require.Contains(t, body, `id="reference-0-remove" name="reference-0-remove" value="1" checked`)
	versions, err := env.App.OrgStore.Versions(ctx)
	require.NoError(t, err)
	require.Len(t, versions, 1, "nothing saved")

	// A good save: a new address, a new signature image, a new document.
	good := settingsValues(cur)
	good.Set("address", "Tŷ'r Rheoleiddiwr\r\n2 New Street\r\nCardiff\r\nCF10 1AA")
	good.Set("contact_mailbox", "elections@regulator.example.org")
	n := len(cur.References)
	good.Set(organisation.ReferenceField(n, "key"), "guidance.canvassing")
	good.Set(organisation.ReferenceField(n, "title"), "Guidance on canvassing")
	good.Set(organisation.ReferenceField(n, "url"), "https://www.regulator.example.org/guidance/canvassing")
	good.Set("note", "Moved office")
	status, loc, body := postSettings(t, admin, good, map[string][]byte{"signatory-audit-follow-up-image": formtest.PNG(t)})
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Equal(t, "/staff/settings", loc)

	body = webtest.ReadBody(admin.Get("/staff/settings"))
	require.Contains(t, body, "Settings saved as version 2")
	require.Contains(t, body, `href="/staff/settings/versions/2"`)
	require.Contains(t, body, "Moved office")
	require.Contains(t, body, `<img src="data:image/png;base64,`)
	require.Contains(t, body, `alt="Signature image for Audit follow-up letters, signed by Priya Raman"`)
	require.Contains(t, body, `value="guidance.canvassing"`)

	now, err := env.App.OrgStore.Current(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, now.Version)
	require.Equal(t, "image/png", now.SignatoryFor("audit-follow-up").ImageType)
	ref, ok := now.Reference("guidance.canvassing")
	require.True(t, ok)
	require.Equal(t, "Guidance on canvassing", ref.Title)

	var summary string
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT summary->'after'->>'summary' FROM audit_log WHERE action = 'organisation.save'`).Scan(&summary))
	require.Equal(t, "Postal address changed; contact mailbox changed; signature image for audit follow-up letters added; guidance document guidance.canvassing added", summary)

	// The public pages show the new address at once.
	pub := visibleText(webtest.ReadBody(env.Anonymous().Get("/")))
	require.Contains(t, pub, "2 New Street")
	require.Contains(t, pub, "elections@regulator.example.org")

	// The history shows each version read-only; a form opened before the
	// save is refused rather than undo it.
	v1 := webtest.ReadBody(admin.Get("/staff/settings/versions/1"))
	require.Contains(t, v1, "Organisation settings, version 1")
	require.Contains(t, v1, "Regulator House")
	require.NotContains(t, v1, "<form method=\"post\" action=\"/staff/settings\"")
	res = admin.Get("/staff/settings/versions/99")
	require.Equal(t, http.StatusNotFound, res.StatusCode)
	res.Body.Close()
	stale := settingsValues(cur)
	stale.Set("phone", "029 2000 0009")
	status, _, body = postSettings(t, admin, stale, nil)
	require.Equal(t, http.StatusConflict, status, body)
	require.Contains(t, body, `<a href="#history">Someone saved version 2 of the settings after you opened this page.`)
	require.Contains(t, body, `value="029 2000 0009"`, "the answers are kept")
	require.Contains(t, body, `name="version" value="2"`)

	// The API gives the settings without the images' bytes.
	token, _ := env.Token(staff.RoleAdmin)
	req, err := http.NewRequest(http.MethodGet, admin.URL("/api/v1/settings"), nil)
	require.NoError(t, err)
	res = admin.Do(req, token)
	require.Equal(t, http.StatusOK, res.StatusCode)
	var out struct {
		Version     int `json:"version"`
		Signatories map[string]struct {
			Name     string `json:"name"`
			HasImage bool   `json:"has_image"`
			Image    []byte `json:"image"`
		} `json:"signatories"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	res.Body.Close()
	require.Equal(t, 2, out.Version)
	require.True(t, out.Signatories["audit-follow-up"].HasImage)
	require.Empty(t, out.Signatories["audit-follow-up"].Image)
	require.False(t, out.Signatories[""].HasImage)
}

// A signature image is kept across a refused save (uploaded once), and
// "remove image" stays ticked until the save goes through.
func TestSettingsImagesSurviveARefusedSave(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	admin := env.SignedIn(staff.RoleAdmin)
	ctx := context.Background()
	cur, err := env.App.OrgStore.Current(ctx)
	require.NoError(t, err)

	// Uploaded with a mistake elsewhere: shown, and carried in the form.
	v := settingsValues(cur)
	v.Set("contact_mailbox", "")
	status, _, body := postSettings(t, admin, v, map[string][]byte{"signatory-default-image": formtest.PNG(t)})
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body, `name="signatory-default-image_kept" value="`)
	kept := regexpValue(t, body, `name="signatory-default-image_kept" value="([^"]+)"`)

	// Sent again without choosing the file again: saved.
	v = settingsValues(cur)
	v.Set("signatory-default-image_kept", kept)
	status, _, body = postSettings(t, admin, v, nil)
	require.Equal(t, http.StatusSeeOther, status, body)
	now, err := env.App.OrgStore.Current(ctx)
	require.NoError(t, err)
	require.Equal(t, formtest.PNG(t), now.SignatoryFor("").Image)

	// Removal ticked with a mistake elsewhere: still ticked, image still
	// shown; then removed for good.
	v = settingsValues(now)
	v.Set("signatory-default-remove_image", "1")
	v.Set("name", "")
	status, _, body = postSettings(t, admin, v, nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body, `id="signatory-default-remove_image" name="signatory-default-remove_image" value="1" checked`)
	v.Set("name", now.Name)
	status, _, body = postSettings(t, admin, v, nil)
	require.Equal(t, http.StatusSeeOther, status, body)
	now, err = env.App.OrgStore.Current(ctx)
	require.NoError(t, err)
	require.Empty(t, now.SignatoryFor("").Image)
	require.Equal(t, 3, now.Version)
}

func regexpValue(t *testing.T, body, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(body)
	require.NotNil(t, m, re)
	return html.UnescapeString(m[1])
}

// A guidance document a letter template cites stays in the library until
// the template stops citing it: removing it would make every letter of
// that template fail.
func TestSettingsKeepTheDocumentsTemplatesCite(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	admin := env.SignedIn(staff.RoleAdmin)
	ctx := context.Background()
	_, err := env.App.Outreach.Seed(audit.WithActor(ctx, audit.Actor{Label: "test"}))
	require.NoError(t, err)
	cur, err := env.App.OrgStore.Current(ctx)
	require.NoError(t, err)
	v := settingsValues(cur)
	for i, r := range cur.References {
		if r.Key == "guidance.bulk-email" {
			v.Set(organisation.ReferenceField(i, "remove"), "1")
		}
	}
	status, _, body := postSettings(t, admin, v, nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body, `<a href="#references">`)
	require.Contains(t, body, `The English version of the letter template &#34;election-reminder&#34;`)
	require.Contains(t, body, "guidance.bulk-email")
	require.Regexp(t, `line \d+`, body)
	versions, err := env.App.OrgStore.Versions(ctx)
	require.NoError(t, err)
	require.Len(t, versions, 1, "nothing saved")
}
