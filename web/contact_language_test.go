package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestContactLanguageOnTheFormAndTheAPI(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	c := env.Anonymous()
	token, _ := env.Token(staff.RolePoliticalTeam)
	code, body := apiJSON(t, c, token, http.MethodPost, "/api/v1/parties", map[string]any{"name": "Cymru Party", "nations": []string{"wales"}})
	require.Equal(t, http.StatusCreated, code, body)
	id := int64(body["id"].(float64))

	page := env.SignedIn(staff.RolePoliticalTeam)
	res := page.Get(fmt.Sprintf("/staff/parties/%d/contacts/new", id))
	html := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, html)
	require.Contains(t, html, "Same as the party&#39;s default (Welsh and English)")

	res = page.PostForm(fmt.Sprintf("/staff/parties/%d/contacts", id), url.Values{"name": {"Huw"}, "email": {"huw@cymru.example.org"},
		"role": {"data_protection_lead"}, "language": {"cy"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, webtest.ReadBody(res))
	res = page.PostForm(fmt.Sprintf("/staff/parties/%d/contacts", id), url.Values{"name": {"Ffion"}, "email": {"ffion@cymru.example.org"},
		"role": {"data_protection_lead"}, "language": {""}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, webtest.ReadBody(res))
	res = page.PostForm(fmt.Sprintf("/staff/parties/%d/contacts", id), url.Values{"name": {"Bad"}, "email": {"bad@cymru.example.org"},
		"role": {"data_protection_lead"}, "language": {"tlh"}})
	html = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, html)
	require.Contains(t, html, `id="language-error"`)

	res = page.Get(fmt.Sprintf("/staff/parties/%d", id))
	html = webtest.ReadBody(res)
	require.Contains(t, html, "<td>Welsh</td>")
	require.Contains(t, html, "<td>Welsh and English (the party&#39;s default)</td>")

	code, body = apiJSON(t, c, token, http.MethodGet, fmt.Sprintf("/api/v1/parties/%d/contacts", id), nil)
	require.Equal(t, http.StatusOK, code, body)
	var huw int64
	for _, x := range body["contacts"].([]any) {
		m := x.(map[string]any)
		if m["name"] == "Huw" {
			huw = int64(m["id"].(float64))
			require.Equal(t, "cy", m["language"])
		} else {
			require.Nil(t, m["language"])
		}
	}
	path := fmt.Sprintf("/api/v1/parties/%d/contacts/%d", id, huw)
	code, body = apiJSON(t, c, token, http.MethodPatch, path, map[string]any{"language": "Welsh and English"})
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "both", body["language"])
	code, body = apiJSON(t, c, token, http.MethodPatch, path, map[string]any{"position": "DPO"})
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, "both", body["language"], "left out: unchanged")
	code, body = apiJSON(t, c, token, http.MethodPatch, path, `{"language":null}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Nil(t, body["language"], "null: the party's default")
	code, body = apiJSON(t, c, token, http.MethodPatch, path, map[string]any{"language": "fr"})
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
}
