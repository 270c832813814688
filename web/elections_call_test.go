package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// englishOnly sets every contact to English letters. These tests are
// about the steps of a call; the letters' languages are tested in
// outreach, where templates are given Welsh versions (the shipped ones
// gain theirs on the letters-render branch).
func englishOnly(t *testing.T, e *webtest.Env) {
	t.Helper()
	_, err := e.Pool.Exec(context.Background(), `UPDATE party_contacts SET language = 'en'`)
	require.NoError(t, err)
}

// callConfirmed calls an election as staff do: a preview, then the call
// with its token.
func callConfirmed(ctx context.Context, svc *outreach.Service, in outreach.CallInput) (*outreach.CallResult, error) {
	pv, err := svc.PreviewCall(ctx, in)
	if err != nil {
		return nil, err
	}
	in.Confirm = pv.Token
	return svc.Call(ctx, in)
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// confirmForm reads the preview page's confirmation form: its hidden
// fields, the token among them.
func confirmForm(t *testing.T, page string) url.Values {
	t.Helper()
	i := strings.Index(page, `id="confirm"`)
	require.GreaterOrEqual(t, i, 0, "the preview has a confirmation form")
	form := page[i:]
	form = form[:strings.Index(form, "</form>")]
	v := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(form, -1) {
		if m[1] != "csrf_token" {
			v.Add(m[1], html.UnescapeString(m[2]))
		}
	}
	require.NotEmpty(t, v.Get("confirmation"))
	return v
}

// callByForm posts the call form, checks the preview, and confirms it.
func callByForm(t *testing.T, c *webtest.Client, form url.Values) *http.Response {
	t.Helper()
	res := c.PostForm("/staff/elections", form)
	page := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, page)
	require.Contains(t, page, "Check the election call before sending")
	return c.PostForm("/staff/elections/confirm", confirmForm(t, page))
}

func counts(t *testing.T, e *webtest.Env) (elections, batches, letters, jobs int) {
	t.Helper()
	require.NoError(t, e.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM elections), (SELECT count(*) FROM letter_batches),
		(SELECT count(*) FROM letters), (SELECT count(*) FROM river_job WHERE kind = 'outreach.send_letter')`).Scan(&elections, &batches, &letters, &jobs))
	return
}

func TestElectionCallAPIIsTwoSteps(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	englishOnly(t, e)
	_, err := e.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	tok, _ := e.Token(staff.RolePoliticalTeam)
	c := e.Anonymous()
	post := func(path, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, c.URL(path), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res := c.Do(req, tok)
		return res.StatusCode, webtest.ReadBody(res)
	}
	call := `{"name":"NI 2099","type":"ni_assembly","polling_day":"2099-05-01"`
	code, body := post("/api/v1/elections/call", call+`}`)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `\"dry_run\": true first`)
	require.Contains(t, body, `"field":"confirmation"`)

	code, body = post("/api/v1/elections/call", call+`,"dry_run":true}`)
	require.Equal(t, http.StatusOK, code, body)
	var pv struct {
		Letters int    `json:"letters"`
		Token   string `json:"confirmation"`
		Type    string `json:"election_type"`
		Parties []struct {
			Contacts []struct {
				Language string `json:"language"`
			} `json:"contacts"`
		} `json:"parties"`
		Sample struct {
			Text string `json:"text"`
		} `json:"sample"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &pv))
	require.Positive(t, pv.Letters)
	require.Equal(t, "Northern Ireland Assembly election", pv.Type)
	require.Equal(t, "English", pv.Parties[0].Contacts[0].Language, "labels, not codes")
	require.Contains(t, pv.Sample.Text, "NI 2099")
	el, b, l, j := counts(t, e)
	require.Zero(t, el+b+l+j, "a dry run creates nothing")

	// A contact changed since the preview: refused, nothing created.
	_, err = e.Pool.Exec(ctx, `UPDATE party_contacts SET name = 'Ruth A. Adair' WHERE email = 'dpo@dup.example.org'`)
	require.NoError(t, err)
	code, body = post("/api/v1/elections/call", call+`,"dry_run":false,"confirmation":"`+pv.Token+`"}`)
	require.Equal(t, http.StatusConflict, code, body)
	require.Contains(t, body, "Something changed since the preview (the parties and contacts)")
	el, b, l, j = counts(t, e)
	require.Zero(t, el+b+l+j)

	code, body = post("/api/v1/elections/call", call+`,"dry_run":true}`)
	require.Equal(t, http.StatusOK, code, body)
	require.NoError(t, json.Unmarshal([]byte(body), &pv))
	code, body = post("/api/v1/elections/call", call+`,"dry_run":false,"confirmation":"`+pv.Token+`"}`)
	require.Equal(t, http.StatusCreated, code, body)
	el, b, l, j = counts(t, e)
	require.Equal(t, []int{1, 1, pv.Letters, pv.Letters}, []int{el, b, l, j})

	// The same confirmation twice does not call the election twice.
	code, body = post("/api/v1/elections/call", call+`,"dry_run":false,"confirmation":"`+pv.Token+`"}`)
	require.Equal(t, http.StatusConflict, code, body)

	// A past polling day, and its record.
	code, body = post("/api/v1/elections/call", `{"name":"Old","type":"ni_assembly","announced_on":"2022-03-01","polling_day":"2022-05-05","dry_run":true}`)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, "Polling day was 5 May 2022, which has passed.")
	code, body = post("/api/v1/elections/call", `{"name":"Old","type":"ni_assembly","announced_on":"2022-03-01","polling_day":"2022-05-05","record_only":true,"dry_run":true}`)
	require.Equal(t, http.StatusOK, code, body)
	require.NoError(t, json.Unmarshal([]byte(body), &pv))
	require.Zero(t, pv.Letters)
	code, body = post("/api/v1/elections/call", `{"name":"Old","type":"ni_assembly","announced_on":"2022-03-01","polling_day":"2022-05-05","record_only":true,"confirmation":"`+pv.Token+`"}`)
	require.Equal(t, http.StatusCreated, code, body)
	require.Contains(t, body, `"record_only":true`)
	el, b, l, _ = counts(t, e)
	require.Equal(t, []int{2, 1}, []int{el, b}, "recorded, with no batch")
}

func TestLettersAPIIsTwoSteps(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	englishOnly(t, e)
	_, err := e.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	tok, _ := e.Token(staff.RolePoliticalTeam)
	c := e.Anonymous()
	post := func(body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, c.URL("/api/v1/letters"), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res := c.Do(req, tok)
		return res.StatusCode, webtest.ReadBody(res)
	}
	var snp, dup int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT (SELECT id FROM parties WHERE short_name = 'SNP'), (SELECT id FROM parties WHERE short_name = 'DUP')`).Scan(&snp, &dup))
	req := `{"template":"election-reminder","party_ids":[` + jsonInt(snp) + `,` + jsonInt(dup) + `],` +
		`"fields":{"ElectionName":"the 2099 elections","PollingDay":"Thursday 7 May 2099","AnnouncementDate":"1 April 2099"}`
	code, body := post(req + `}`)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, "dry_run")
	code, body = post(req + `,"dry_run":true}`)
	require.Equal(t, http.StatusOK, code, body)
	var pv struct {
		Letters int    `json:"letters"`
		Token   string `json:"confirmation"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &pv))
	require.Equal(t, 2, pv.Letters)
	_, b, l, _ := counts(t, e)
	require.Zero(t, b+l)
	code, body = post(req + `,"dry_run":false,"confirmation":"` + pv.Token + `"}`)
	require.Equal(t, http.StatusCreated, code, body)
	var res outreach.CallResult
	require.NoError(t, json.Unmarshal([]byte(body), &res))
	require.Equal(t, 2, res.Letters)
	page := e.SignedIn(staff.RolePoliticalTeam)
	r := page.Get("/staff/letters/batches/" + jsonInt(res.BatchID))
	html := webtest.ReadBody(r)
	require.Equal(t, http.StatusOK, r.StatusCode, html)
	require.Contains(t, html, "Scottish National Party")
	require.Contains(t, html, "Democratic Unionist Party")

	// A letter that attaches a report cannot go from here: refused before
	// anything is created, the dry run included.
	_, b, l, _ = counts(t, e)
	code, body = post(`{"template":"audit-follow-up","party_ids":[` + jsonInt(snp) + `],"fields":{"AuditYear":"2099","Outcome":"x"},"dry_run":true}`)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `"field":"template"`)
	require.Contains(t, body, "letter attaches a report, which this page cannot add")
	_, b2, l2, _ := counts(t, e)
	require.Equal(t, []int{b, l}, []int{b2, l2})
}

func TestWriteToPartiesPages(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{Env: map[string]string{"FOUR_EYES": "true"}})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	englishOnly(t, e)
	_, err := e.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	var snp int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'SNP'`).Scan(&snp))
	c := e.SignedIn(staff.RolePoliticalTeam)
	res := c.Get("/staff/letters/new?party=" + jsonInt(snp))
	page := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, page)
	require.Contains(t, page, `value="`+jsonInt(snp)+`" checked`)

	// Nothing chosen: every problem at once.
	res = c.PostForm("/staff/letters/new", url.Values{})
	page = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, page)
	require.Contains(t, page, "Choose the letter to send")
	require.Contains(t, page, "Choose at least one party to write to")

	form := url.Values{"template": {"election-reminder"}, "party_ids": {jsonInt(snp)},
		"fields": {"ElectionName=the 2099 elections\nPollingDay=Thursday 7 May 2099\nAnnouncementDate=1 April 2099"}}
	res = c.PostForm("/staff/letters/new", form)
	page = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, page)
	require.Contains(t, page, "Send 1 letter")
	require.Contains(t, page, "Held until a second member of staff releases the batch.")
	_, b, l, _ := counts(t, e)
	require.Zero(t, b+l)
	res = c.PostForm("/staff/letters/confirm", confirmForm(t, page))
	require.Equal(t, http.StatusSeeOther, res.StatusCode, webtest.ReadBody(res))
	_, b, l, j := counts(t, e)
	require.Equal(t, []int{1, 1, 0}, []int{b, l, j}, "held under four-eyes: no send job yet")
}

func jsonInt(n int64) string { return strconv.FormatInt(n, 10) }

func TestWelshValuesThroughTheAPIAndPages(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	_, err := e.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	tok, _ := e.Token(staff.RolePoliticalTeam)
	c := e.Anonymous()
	post := func(path, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, c.URL(path), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res := c.Do(req, tok)
		return res.StatusCode, webtest.ReadBody(res)
	}
	// Parties standing in Wales read Welsh by default.
	call := `{"name":"Senedd 2099","type":"senedd","polling_day":"2099-05-07","template":"election-reminder-briefing",` +
		`"fields":{"BriefingDate":"Monday 6 April 2099","BriefingPlace":"Cardiff Bay"},"dry_run":true`
	code, body := post("/api/v1/elections/call", call+`}`)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `"field":"name_cy"`)
	require.Contains(t, body, "Enter the election's name in Welsh:")
	require.Contains(t, body, `"field":"fields_cy.BriefingPlace"`)
	require.Contains(t, body, "Enter the Welsh for BriefingPlace:")
	code, body = post("/api/v1/elections/call", call+`,"name_cy":"Etholiad y Senedd 2099","fields_cy":{"BriefingDate":"Dydd Llun 6 Ebrill 2099","BriefingPlace":"Bae Caerdydd"}}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, "Bae Caerdydd")
	require.Contains(t, body, "Etholiad y Senedd 2099")

	// The letters page shows the Welsh fields and each missing one beside them.
	var plaid int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'Plaid Cymru'`).Scan(&plaid))
	p := e.SignedIn(staff.RolePoliticalTeam)
	form := url.Values{"template": {"election-reminder-briefing"}, "party_ids": {jsonInt(plaid)},
		"fields": {"ElectionName=Senedd election 2099\nPollingDay=Thursday 7 May 2099\nAnnouncementDate=1 April 2099\nBriefingDate=Monday 6 April 2099\nBriefingPlace=Cardiff Bay"}}
	res := p.PostForm("/staff/letters/new", form)
	page := webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, page)
	require.Contains(t, page, `id="fields_cy-error"`)
	require.Contains(t, page, "Enter the Welsh for BriefingPlace:")
	require.Contains(t, page, "Template fields in Welsh")
	form.Set("fields_cy", "ElectionName=Etholiad y Senedd 2099\nPollingDay=Dydd Iau 7 Mai 2099\nAnnouncementDate=1 Ebrill 2099\nBriefingDate=Dydd Llun 6 Ebrill 2099\nBriefingPlace=Bae Caerdydd")
	res = p.PostForm("/staff/letters/new", form)
	page = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, page)
	require.Contains(t, page, `name="fields_cy"`, "the Welsh fields are carried to the confirmation")
}
