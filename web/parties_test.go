package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestPartyPagesFormsAndRoles(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	analyst := env.SignedIn(staff.RoleAnalyst)

	// An empty form comes back with the error summary and field errors.
	res := team.PostForm("/staff/parties", url.Values{"name": {" "}, "registration_number": {"PP<1>"}})
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, `class="error-summary"`)
	require.Contains(t, body, `<a href="#name">Enter the party&#39;s name</a>`)
	require.Contains(t, body, `id="nations-error"`)
	require.Contains(t, body, `id="registration_number-error"`)
	require.Contains(t, body, `value="PP&lt;1&gt;"`, "the form keeps what was typed")

	res = team.PostForm("/staff/parties", url.Values{"name": {"Hill Party"}, "short_name": {"Hill"},
		"aliases": {"Hills\nThe Hill"}, "nations": {"wales", "england"}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	loc := res.Header.Get("Location")
	require.Regexp(t, `^/staff/parties/\d+$`, loc)

	res = team.PostForm("/staff/parties", url.Values{"name": {"hill party"}, "nations": {"wales"}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, "A party called &#34;hill party&#34; is already registered")

	// Contacts: field errors, then success.
	res = team.PostForm(loc+"/contacts", url.Values{"name": {"Gwen"}, "email": {"Gwen <g@hill.example.org>"}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, `<a href="#email">Enter an email address in the correct format`)
	res = team.PostForm(loc+"/contacts", url.Values{"name": {"Gwen Hill"}, "position": {"Data Protection Officer"}, "email": {"g@hill.example.org"}, "role": {""}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)

	// Every role can view; the analyst sees no edit controls.
	res = analyst.Get("/staff/parties?nation=wales")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "Hill Party")
	require.Contains(t, body, `href="/staff/parties">Parties</a>`, "nav link")
	require.NotContains(t, body, "Add a party")
	res = analyst.Get("/staff/parties?nation=scotland")
	require.NotContains(t, webtest.ReadBody(res), "Hill Party", "filtered by nation")
	res = analyst.Get("/staff/parties?nation=atlantis")
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	webtest.ReadBody(res)

	res = analyst.Get(loc)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "g@hill.example.org")
	require.Contains(t, body, "England, Wales")
	require.NotContains(t, body, "Deactivate")

	for _, path := range []string{"/staff/parties/new", loc + "/edit", "/staff/parties/import"} {
		res = analyst.Get(path)
		webtest.ReadBody(res)
		require.Equal(t, http.StatusForbidden, res.StatusCode, path)
	}
	csrf := analyst.CSRFToken("/staff/parties")
	for _, path := range []string{"/staff/parties", loc, loc + "/deactivate", loc + "/contacts"} {
		res = analyst.PostFormRaw(path, url.Values{"csrf_token": {csrf}, "name": {"Hijack"}, "nations": {"wales"}})
		webtest.ReadBody(res)
		require.Equal(t, http.StatusForbidden, res.StatusCode, path)
	}

	// Edit, deactivate a contact, deactivate the party.
	res = team.PostForm(loc, url.Values{"name": {"Hill Party"}, "short_name": {"Hills"}, "nations": {"wales"}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = team.Get(loc)
	body = webtest.ReadBody(res)
	require.Contains(t, body, "The party&#39;s details have been saved.")
	var id, cid int64
	require.NoError(t, env.Pool.QueryRow(context.Background(),
		`SELECT p.id, c.id FROM parties p JOIN party_contacts c ON c.party_id = p.id WHERE p.name = 'Hill Party'`).Scan(&id, &cid))
	res = team.PostForm(fmt.Sprintf("%s/contacts/%d/deactivate", loc, cid), url.Values{})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = team.PostForm(loc+"/deactivate", url.Values{})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = team.Get("/staff/parties")
	require.NotContains(t, webtest.ReadBody(res), "Hill Party", "inactive parties are hidden by default")
	res = team.Get("/staff/parties?status=inactive")
	require.Contains(t, webtest.ReadBody(res), "Hill Party")

	rows, err := env.Pool.Query(context.Background(),
		`SELECT action FROM audit_log WHERE actor = $1 AND object_type LIKE 'party%' ORDER BY id`, team.User.Email)
	require.NoError(t, err)
	var actions []string
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		actions = append(actions, a)
	}
	require.Equal(t, []string{"party.create", "party.contact.create", "party.update", "party.contact.deactivate", "party.deactivate"}, actions)

	res = team.Get("/staff/parties/99999")
	webtest.ReadBody(res)
	require.Equal(t, http.StatusNotFound, res.StatusCode)
}

func apiJSON(t *testing.T, c *webtest.Client, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd *bytes.Reader
	if s, ok := body.(string); ok {
		rd = bytes.NewReader([]byte(s))
	} else {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.URL(path), rd)
	req.Header.Set("Content-Type", "application/json")
	res := c.Do(req, token)
	defer res.Body.Close()
	out := map[string]any{}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	return res.StatusCode, out
}

func TestPartyAPI(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()
	token, _ := env.Token(staff.RolePoliticalTeam)
	readOnly, _ := env.Token(staff.RoleTriageOfficer)

	code, body := apiJSON(t, c, token, http.MethodPost, "/api/v1/parties",
		map[string]any{"name": "Coast Party", "nations": []string{"scotland"}, "registration_number": "pp77"})
	require.Equal(t, http.StatusCreated, code, body)
	id := int64(body["id"].(float64))
	require.Equal(t, "PP77", body["registration_number"])
	require.Equal(t, true, body["active"])

	code, body = apiJSON(t, c, token, http.MethodPost, "/api/v1/parties", map[string]any{"name": "", "nations": []string{"mars"}})
	require.Equal(t, http.StatusUnprocessableEntity, code)
	errs := body["errors"].([]any)
	require.Len(t, errs, 2)
	require.Equal(t, "name", errs[0].(map[string]any)["field"])
	require.Equal(t, "nations", errs[1].(map[string]any)["field"])

	code, body = apiJSON(t, c, token, http.MethodPost, "/api/v1/parties", `{"name":"X","nations":["wales"],"colour":"red"}`)
	require.Equal(t, http.StatusBadRequest, code, body)

	code, _ = apiJSON(t, c, readOnly, http.MethodPost, "/api/v1/parties", map[string]any{"name": "Nope", "nations": []string{"wales"}})
	require.Equal(t, http.StatusForbidden, code)
	code, body = apiJSON(t, c, readOnly, http.MethodGet, "/api/v1/parties?nation=scotland", nil)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, body["parties"], 1)

	code, _ = apiJSON(t, c, token, http.MethodGet, "/api/v1/parties/987654", nil)
	require.Equal(t, http.StatusNotFound, code)
	code, _ = apiJSON(t, c, token, http.MethodPatch, "/api/v1/parties/987654", map[string]any{"name": "Y"})
	require.Equal(t, http.StatusNotFound, code)

	p := fmt.Sprintf("/api/v1/parties/%d", id)
	code, body = apiJSON(t, c, token, http.MethodPatch, p, map[string]any{"short_name": "Coast", "nations": []string{"scotland", "england"}})
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "Coast", body["short_name"])
	require.Equal(t, "Coast Party", body["name"], "PATCH leaves other fields alone")
	require.Equal(t, []any{"england", "scotland"}, body["nations"])

	code, body = apiJSON(t, c, token, http.MethodPost, p+"/contacts", map[string]any{"name": "Ross", "email": "ross@coast.example.org"})
	require.Equal(t, http.StatusCreated, code, body)
	cid := int64(body["id"].(float64))
	require.Equal(t, "data_protection_lead", body["role"])
	code, body = apiJSON(t, c, token, http.MethodPost, p+"/contacts", map[string]any{"name": "Ross", "email": "ROSS@coast.example.org"})
	require.Equal(t, http.StatusUnprocessableEntity, code)
	require.Contains(t, fmt.Sprint(body["errors"]), "already has a contact")
	code, _ = apiJSON(t, c, token, http.MethodGet, fmt.Sprintf("%s/contacts/%d", p, cid+100), nil)
	require.Equal(t, http.StatusNotFound, code)
	code, body = apiJSON(t, c, token, http.MethodPatch, fmt.Sprintf("%s/contacts/%d", p, cid), map[string]any{"email": "a@b.org; c@d.org"})
	require.Equal(t, http.StatusUnprocessableEntity, code)
	require.Contains(t, fmt.Sprint(body["errors"]), "email")
	code, body = apiJSON(t, c, token, http.MethodPost, fmt.Sprintf("%s/contacts/%d/deactivate", p, cid), nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, false, body["active"])

	code, body = apiJSON(t, c, token, http.MethodPost, p+"/deactivate", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, false, body["active"])
	require.Len(t, body["contacts"], 1)

	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM audit_log WHERE object_type IN ('party', 'party_contact')`).Scan(&n))
	require.Equal(t, 5, n, "create, update, contact create, contact deactivate, deactivate")

	// A session (from our own pages) needs the CSRF header to change data.
	sc := env.SignedIn(staff.RoleAdmin)
	code, _ = apiJSON(t, sc, "", http.MethodPost, "/api/v1/parties", map[string]any{"name": "Z", "nations": []string{"wales"}})
	require.Equal(t, http.StatusForbidden, code)
}

func multipartFile(t *testing.T, fields map[string]string, name string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	fw, err := w.CreateFormFile("file", name)
	require.NoError(t, err)
	_, _ = fw.Write(content)
	require.NoError(t, w.Close())
	return &buf, w.FormDataContentType()
}

func TestPartyImportUploadAndExport(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	csrf := team.CSRFToken("/staff/parties/import")
	upload := func(content string, dry bool) (int, string) {
		fields := map[string]string{"csrf_token": csrf}
		if dry {
			fields["dry_run"] = "yes"
		}
		body, ct := multipartFile(t, fields, "parties.csv", []byte(content))
		res, err := team.Client.Post(team.URL("/staff/parties/import"), ct, body)
		require.NoError(t, err)
		return res.StatusCode, webtest.ReadBody(res)
	}

	code, body := upload("party_name,nations,contact_name,contact_email\nFen Party,england,Kit,kit@fen.example.org\nMoor Party,england;narnia,Lu,lu@@moor\n", false)
	require.Equal(t, http.StatusUnprocessableEntity, code)
	require.Contains(t, body, "The file has 2 problems, so nothing was imported.")
	require.Regexp(t, `<td>3</td><td>nations</td><td>&#34;narnia&#34; is not a nation`, body)
	require.Regexp(t, `<td>3</td><td>contact_email</td>`, body)
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM parties`).Scan(&n))
	require.Zero(t, n)

	good := "party_name,nations,contact_name,contact_email\nFen Party,england,Kit,kit@fen.example.org\n"
	code, body = upload(good, true)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, "nothing has been saved yet")
	code, body = upload(good, false)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, "Parties: 1 new, 0 changed, 0 unchanged")
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'party.import' AND actor = $1`, team.User.Email).Scan(&n))
	require.Equal(t, 1, n)

	code, body = upload("", false)
	require.Equal(t, http.StatusUnprocessableEntity, code)
	require.Contains(t, body, `<a href="#file">The selected file is empty</a>`)

	// Export, then import the export through the API: nothing changes.
	res := team.Get("/staff/parties/export.xlsx")
	xlsx := []byte(webtest.ReadBody(res))
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Header.Get("Content-Type"))
	require.Contains(t, res.Header.Get("Content-Disposition"), "attachment")
	token, _ := env.Token(staff.RolePoliticalTeam)
	req, _ := http.NewRequest(http.MethodPost, team.URL("/api/v1/parties/import"), bytes.NewReader(xlsx))
	res = team.Do(req, token)
	var result map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&result))
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, result)
	require.Equal(t, float64(1), result["parties_unchanged"])
	require.Equal(t, float64(0), result["parties_updated"])

	req, _ = http.NewRequest(http.MethodPost, team.URL("/api/v1/parties/import?dry_run=true"), strings.NewReader("party_name,nations\n,wales\n"))
	res = team.Do(req, token)
	require.NoError(t, json.NewDecoder(res.Body).Decode(&result))
	res.Body.Close()
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Equal(t, []any{map[string]any{"row": float64(2), "column": "party_name", "message": "Enter the party's name"}}, result["problems"])

	// Viewers may download but not import.
	analyst := env.SignedIn(staff.RoleAnalyst)
	res = analyst.Get("/staff/parties/export.xlsx")
	webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	aToken, _ := env.Token(staff.RoleAnalyst)
	req, _ = http.NewRequest(http.MethodPost, team.URL("/api/v1/parties/import"), strings.NewReader(good))
	res = team.Do(req, aToken)
	webtest.ReadBody(res)
	require.Equal(t, http.StatusForbidden, res.StatusCode)
}
