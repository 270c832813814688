package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestElectionAPIAndPages(t *testing.T) {
	e := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	seedLetterTemplates(t, e)
	tok, _ := e.Token(staff.RolePoliticalTeam)
	c := e.Anonymous()
	post := func(path, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, c.URL(path), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res := c.Do(req, tok)
		return res.StatusCode, webtest.ReadBody(res)
	}
	code, body := post("/api/v1/elections", `{"name":"X","type":"general","announced_on":"2024-06-01","polling_day":"2024-05-01"}`)
	require.Equal(t, 422, code, body)
	require.Contains(t, body, `"field":"polling_day"`)
	code, body = post("/api/v1/elections", `{"name":"X","type":"local","nations":["atlantis"],"polling_day":"2099-05-01"}`)
	require.Equal(t, 422, code, body)
	require.Contains(t, body, "atlantis")
	englishOnly(t, e)
	code, body = post("/api/v1/elections", `{"name":"NI 2099","type":"ni_assembly","polling_day":"2099-05-01","hold":true,"dry_run":true}`)
	require.Equal(t, 200, code, body)
	var pv struct {
		Token string `json:"confirmation"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &pv))
	code, body = post("/api/v1/elections", `{"name":"NI 2099","type":"ni_assembly","polling_day":"2099-05-01","hold":true,"confirmation":"`+pv.Token+`"}`)
	require.Equal(t, 201, code, body)
	require.Contains(t, body, `"batch_state":"held"`)
	require.Contains(t, body, `"batch_state_label":"Held for release"`)
	require.Contains(t, body, "Sinn F")

	page := e.SignedIn(staff.RolePoliticalTeam)
	res := page.Get("/staff/elections")
	html := webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, html)
	require.Contains(t, html, "NI 2099")
	res = page.Get("/staff/elections/1")
	html = webtest.ReadBody(res)
	require.Equal(t, 200, res.StatusCode, html)
	require.Contains(t, html, "Release batch")
	require.Contains(t, html, "PGA/")
	res = page.Get("/staff/letters/1")
	require.Equal(t, 200, res.StatusCode)
	res = page.Get("/staff/letters/1/pdf")
	require.Equal(t, "application/pdf", res.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(webtest.ReadBody(res), "%PDF-"))

	// A held letter cannot bounce; the API says why.
	var ref string
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT reference FROM letters ORDER BY id LIMIT 1`).Scan(&ref))
	code, body = post("/api/v1/letters/"+ref+"/bounce", `{"reason":"550 unknown"}`)
	require.Equal(t, 409, code, body)
	_, err := e.Pool.Exec(ctx, `UPDATE letters SET state = 'sent' WHERE reference = $1`, ref)
	require.NoError(t, err)
	code, body = post("/api/v1/letters/"+ref+"/bounce", `{"reason":"550 unknown"}`)
	require.Equal(t, 200, code, body)
	require.Contains(t, body, `"state":"bounced"`)
	require.Contains(t, body, `"state_label":"Bounced"`)
}

// TestFourEyesHoldsBatchesUntilAnotherUserReleases runs the real server
// wiring with FOUR_EYES=true: the web pages must honour the setting, not
// just the service.
func TestFourEyesHoldsBatchesUntilAnotherUserReleases(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{Env: map[string]string{"FOUR_EYES": "true", "LETTER_REFERENCE_PATTERN": "FE/{year}/{seq:03}"}})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	seedLetterTemplates(t, e)

	englishOnly(t, e)
	caller, other := e.SignedIn(staff.RolePoliticalTeam), e.SignedIn(staff.RolePoliticalTeam)
	res := callByForm(t, caller, url.Values{"name": {"Senedd 2099"}, "type": {"senedd"},
		"polling_day-day": {"7"}, "polling_day-month": {"5"}, "polling_day-year": {"2099"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, webtest.ReadBody(res))
	require.Regexp(t, `^/staff/elections/\d+/called/\d+$`, res.Header.Get("Location"))
	res.Body.Close()
	var electionID, batchID int64
	var state string
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT election_id, id, state FROM letter_batches ORDER BY id DESC LIMIT 1`).Scan(&electionID, &batchID, &state))
	require.Equal(t, "held", state, "four-eyes holds every new batch")
	var ref string
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT reference FROM letters WHERE batch_id = $1 ORDER BY id LIMIT 1`, batchID).Scan(&ref))
	require.True(t, strings.HasPrefix(ref, "FE/"), "LETTER_REFERENCE_PATTERN is honoured: %s", ref)

	release := fmt.Sprintf("/staff/elections/%d/batches/%d/release", electionID, batchID)
	res = caller.PostForm(release, url.Values{})
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusForbidden, res.StatusCode, body)
	require.Contains(t, body, "someone other than the person who created")
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT state FROM letter_batches WHERE id = $1`, batchID).Scan(&state))
	require.Equal(t, "held", state)

	res = other.PostForm(release, url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT state FROM letter_batches WHERE id = $1`, batchID).Scan(&state))
	require.Equal(t, "released", state)

	// Resending "failed letters of election 0" must not mean "of every election".
	res = other.PostForm("/staff/elections/0/resend", url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)
}
