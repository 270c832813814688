package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/internal/formtest"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// auditIDIn returns the number at the end of a redirect's location.
func auditIDIn(t *testing.T, res *http.Response, prefix string) string {
	t.Helper()
	loc := res.Header.Get("Location")
	require.Regexp(t, "^"+regexp.QuoteMeta(prefix)+`\d+$`, loc)
	return strings.TrimPrefix(loc, prefix)
}

// postOK posts a form and requires the redirect of a save.
func postOK(t *testing.T, c *webtest.Client, path string, v url.Values) *http.Response {
	t.Helper()
	res := c.PostForm(path, v)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "POST %s: %s", path, body)
	return res
}

// getBody fetches a page and requires status.
func getBody(t *testing.T, c *webtest.Client, path string, status int) string {
	t.Helper()
	res := c.Get(path)
	body := webtest.ReadBody(res)
	require.Equal(t, status, res.StatusCode, "GET %s: %s", path, body)
	return body
}

// dateValues are the three boxes of a date field.
func dateValues(v url.Values, field string, day, month, year int) {
	v.Set(field+"-day", fmt.Sprint(day))
	v.Set(field+"-month", fmt.Sprint(month))
	v.Set(field+"-year", fmt.Sprint(year))
}

// auditFixture makes a programme and an audit through the pages, and
// returns their ids.
func auditFixture(t *testing.T, team *webtest.Client, partyID int64) (programme, audit string) {
	t.Helper()
	res := postOK(t, team, "/staff/audits/programmes", url.Values{"name": {"2019 audits of parties"},
		"summary_title": {"Audits of data use by political parties"}, "summary_url": {"https://regulator.example.org/audits-2020"},
		"finding-privacy_information": {"Privacy notices left out how data was combined."}})
	programme = auditIDIn(t, res, "/staff/audits/programmes/")
	v := url.Values{"programme": {programme}, "party": {fmt.Sprint(partyID)}, "type": {"consensual"},
		"scope": {"policies_procedures", "social_media"}, "auditors": {"Ann Auditor\nBen Auditor"}, "assurance": {"limited"},
		"good_practice": {"Clear records of consent."}}
	dateValues(v, "fieldwork_from", 14, 10, 2019)
	dateValues(v, "fieldwork_to", 18, 10, 2019)
	dateValues(v, "report_on", 20, 11, 2019)
	res = postOK(t, team, "/staff/audits", v)
	return programme, auditIDIn(t, res, "/staff/audits/")
}

// recValues is a good recommendation form.
func recValues(area, priority, finding string) url.Values {
	v := url.Values{"area": {area}, "priority": {priority}, "finding": {finding}, "action": {"Rewrite the privacy notice."},
		"provisions": {"UKGDPR-13"}, "guidance": {"G2"}}
	dateValues(v, "target_on", 31, 3, 2020)
	return v
}

func TestAuditPagesCreateEditAndValidate(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	party := addParty(t, env, "Hill Party")

	// Programme: every problem at once, then saved, shown and changed.
	v := url.Values{"name": {" "}, "finding_cy-profiling": {"Proffilio heb ddweud"}}
	dateValues(v, "published_on", 31, 2, 2020)
	res := team.PostForm("/staff/audits/programmes", v)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, `class="error-summary"`)
	require.Contains(t, body, `<a href="#name">Enter the programme&#39;s name</a>`)
	require.Contains(t, body, `<a href="#published_on">The publication date must be a real date</a>`)
	require.Contains(t, body, `<a href="#finding-profiling">`)
	require.Contains(t, body, `id="published_on-error"`)
	require.Contains(t, body, "Proffilio heb ddweud", "the form keeps what was typed")

	programme, audit := auditFixture(t, team, party)
	body = getBody(t, team, "/staff/audits/programmes/"+programme, http.StatusOK)
	require.Contains(t, body, "The audit has been created.", "the last save's confirmation")
	require.Contains(t, body, "2019 audits of parties")
	require.Contains(t, body, "Privacy information")
	require.Contains(t, body, `href="/staff/audits/programmes/`+programme+`/summary"`)
	require.Contains(t, body, `href="/staff/audits/programmes/`+programme+`/workbook.xlsx"`)
	require.Contains(t, body, "Hill Party")
	require.Contains(t, body, "Consensual audit")
	require.NotContains(t, body, "consensual<", "labels, not codes")

	body = getBody(t, team, "/staff/audits/programmes/"+programme+"/edit", http.StatusOK)
	require.Contains(t, body, `value="2019 audits of parties"`)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	postOK(t, team, "/staff/audits/programmes/"+programme, url.Values{"name": {"2019 round of audits"}, "version": {version},
		"finding-privacy_information": {"Privacy notices left out how data was combined."}})
	body = getBody(t, team, "/staff/audits/programmes/"+programme, http.StatusOK)
	require.Contains(t, body, "2019 round of audits")
	require.Contains(t, body, "The programme&#39;s details have been saved.")
	// The same old version again: someone changed it meanwhile.
	res = team.PostForm("/staff/audits/programmes/"+programme, url.Values{"name": {"2019 audits"}, "version": {version}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusConflict, res.StatusCode)
	require.Contains(t, body, `<a href="#main">`)
	require.Contains(t, body, `value="2019 audits"`, "what was typed is kept")

	// Audit: the form's own problems all at once.
	v = url.Values{"type": {""}}
	dateValues(v, "fieldwork_from", 40, 1, 2019)
	res = team.PostForm("/staff/audits", v)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	for _, field := range []string{"party", "type", "fieldwork_from", "auditors"} {
		require.Contains(t, body, `<a href="#`+field+`">`, field)
		require.Contains(t, body, `id="`+field+`-error"`, field)
	}

	// The audit's page shows labels and what the next stage needs.
	body = getBody(t, team, "/staff/audits/"+audit, http.StatusOK)
	require.Contains(t, body, "Policies and procedures")
	require.Contains(t, body, "Limited")
	require.Contains(t, body, "Ben Auditor")
	require.Contains(t, body, `Move to the stage "In fieldwork"`)
	require.Contains(t, body, `href="/staff/audits/`+audit+`/report"`)

	body = getBody(t, team, "/staff/audits/"+audit+"/edit", http.StatusOK)
	require.Contains(t, body, `value="14"`)
	require.Contains(t, body, `id="scope-social_media" name="scope" value="social_media" checked`)

	// Recommendation: every problem at once, then added.
	res = team.PostForm("/staff/audits/"+audit+"/recommendations", url.Values{"finding_cy": {"Canfyddiad"}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	for _, field := range []string{"area", "finding", "action", "priority", "target_on"} {
		require.Contains(t, body, `<a href="#`+field+`">`, field)
	}
	require.Contains(t, body, "Canfyddiad")
	body = getBody(t, team, "/staff/audits/"+audit+"/recommendations/new", http.StatusOK)
	require.Contains(t, body, "Article 13: Privacy information when data is collected from the person")
	require.Contains(t, body, "The UK General Data Protection Regulation (UK GDPR)")
	require.Contains(t, body, "The Privacy and Electronic Communications Regulations 2003 (PECR)")
	require.NotContains(t, body, ">UKGDPR-13<", "provisions are named, not coded")

	postOK(t, team, "/staff/audits/"+audit+"/recommendations", recValues("privacy_information", "urgent", "The privacy notice does not mention profiling."))
	body = getBody(t, team, "/staff/audits/"+audit, http.StatusOK)
	require.Contains(t, body, "Recommendation R1 has been added.")
	recID := regexp.MustCompile(`href="/staff/audits/recommendations/(\d+)">R1<`).FindStringSubmatch(body)
	require.NotNil(t, recID, body)
	rec := "/staff/audits/recommendations/" + recID[1]
	require.Contains(t, body, "Urgent")
	require.Contains(t, body, "31 March 2020")

	body = getBody(t, team, rec, http.StatusOK)
	require.Contains(t, body, "The privacy notice does not mention profiling.")
	require.Contains(t, body, "Article 13 of the UK GDPR")
	require.Contains(t, body, "Privacy information must be clear")

	body = getBody(t, team, rec+"/edit", http.StatusOK)
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	ev := recValues("privacy_information", "high", "The privacy notice says nothing of profiling.")
	ev.Set("number", "1")
	ev.Set("version", version)
	postOK(t, team, rec, ev)
	body = getBody(t, team, rec, http.StatusOK)
	require.Contains(t, body, "Recommendation R1 has been saved.")
	require.Contains(t, body, "says nothing of profiling")

}

// auditAdvance moves the audit at page through the stages given, as
// its page's button does.
func auditAdvance(t *testing.T, c *webtest.Client, page string, stages ...string) {
	t.Helper()
	for _, to := range stages {
		body := getBody(t, c, page, http.StatusOK)
		m := regexp.MustCompile(`name="version" value="(\d+)">\s*<input type="hidden" name="to" value="` + to + `">`).FindStringSubmatch(body)
		require.NotNil(t, m, body)
		postOK(t, c, page+"/advance", url.Values{"version": {m[1]}, "to": {to}})
	}
}

// auditRespond records the party's agreement to the recommendation at
// rec, as its page's form does.
func auditRespond(t *testing.T, c *webtest.Client, rec string) {
	t.Helper()
	body := getBody(t, c, rec, http.StatusOK)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	postOK(t, c, rec+"/response", url.Values{"answer": {"agreed"}, "action": {"We will put it right."}, "owner": {"Data lead"}, "version": {version}})
}

// auditMultipart posts a progress update with files in the field
// "evidence".
func auditMultipart(t *testing.T, c *webtest.Client, path string, fields map[string]string, files map[string][]byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	for name, data := range files {
		fw, err := w.CreateFormFile("evidence", name)
		require.NoError(t, err)
		_, _ = fw.Write(data)
	}
	require.NoError(t, w.Close())
	res, err := c.Client.Post(c.URL(path), w.FormDataContentType(), &buf)
	require.NoError(t, err)
	return res.StatusCode, webtest.ReadBody(res)
}

func TestAuditProgressEvidenceDownload(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	analyst := env.SignedIn(staff.RoleAnalyst)
	_, audit := auditFixture(t, team, addParty(t, env, "Moor Party"))
	postOK(t, team, "/staff/audits/"+audit+"/recommendations", recValues("accountability", "medium", "No record of processing."))
	body := getBody(t, team, "/staff/audits/"+audit, http.StatusOK)
	rec := "/staff/audits/recommendations/" + regexp.MustCompile(`href="/staff/audits/recommendations/(\d+)">R1<`).FindStringSubmatch(body)[1]
	auditAdvance(t, team, "/staff/audits/"+audit, "fieldwork", "report_issued")

	// Response: the form's problems, then recorded.
	body = getBody(t, team, rec, http.StatusOK)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	res := team.PostForm(rec+"/response", url.Values{"version": {version}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	for _, field := range []string{"answer", "action", "owner"} {
		require.Contains(t, body, `<a href="#`+field+`">`, field)
	}
	postOK(t, team, rec+"/response", url.Values{"answer": {"agreed"}, "action": {"New notice by March."}, "owner": {"Data protection lead"}, "version": {version}})
	body = getBody(t, team, rec, http.StatusOK)
	require.Contains(t, body, "has been recorded")
	require.Contains(t, body, "Agreed")
	require.Contains(t, body, "Data protection lead")

	csrf := team.CSRFToken(rec)
	code, body := auditMultipart(t, team, rec+"/progress", map[string]string{"csrf_token": csrf}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, code)
	require.Contains(t, body, `<a href="#note">Enter the update</a>`)

	code, body = auditMultipart(t, team, rec+"/progress", map[string]string{"csrf_token": csrf, "note": "Record of processing written."},
		map[string][]byte{"record.png": formtest.PNG(t)})
	require.Equal(t, http.StatusSeeOther, code, body)

	body = getBody(t, analyst, rec, http.StatusOK)
	require.Contains(t, body, "Record of processing written.")
	m := regexp.MustCompile(`href="(/staff/audits/evidence/\d+)" download>([^<]+)<`).FindStringSubmatch(body)
	require.NotNil(t, m, body)
	require.NotContains(t, body, `action="`+rec+`/progress"`, "an analyst gets no form")

	res = analyst.Get(m[1])
	data := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, string(formtest.PNG(t)), data)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment"), res.Header.Get("Content-Disposition"))
	require.Contains(t, res.Header.Get("Content-Disposition"), m[2])
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.Equal(t, "application/octet-stream", res.Header.Get("Content-Type"))

	triage := env.SignedIn(staff.RoleTriageOfficer)
	res = triage.Get(m[1])
	webtest.ReadBody(res)
	require.Equal(t, http.StatusForbidden, res.StatusCode)
}

func TestAuditStagesReviewAndPartyPage(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	party := addParty(t, env, "Vale Party")
	_, audit := auditFixture(t, team, party)
	page := "/staff/audits/" + audit

	advance := func() *http.Response {
		body := getBody(t, team, page, http.StatusOK)
		m := regexp.MustCompile(`name="version" value="(\d+)">\s*<input type="hidden" name="to" value="([a-z_]+)">`).FindStringSubmatch(body)
		require.NotNil(t, m, body)
		return team.PostForm(page+"/advance", url.Values{"version": {m[1]}, "to": {m[2]}})
	}
	res := advance()
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	body := getBody(t, team, page, http.StatusOK)
	require.Contains(t, body, "In fieldwork")
	require.Contains(t, body, "at least one recommendation", "what the next stage still needs")

	// Refused: no recommendation yet; the refusal is shown on the page.
	res = advance()
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
	require.Contains(t, body, `class="error-summary"`)

	postOK(t, team, page+"/recommendations", recValues("privacy_information", "urgent", "Notice silent on profiling."))
	postOK(t, team, page+"/recommendations", recValues("profiling", "low", "No impact assessment."))
	res = advance()
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Contains(t, getBody(t, team, page, http.StatusOK), "Report issued")

	// The follow-up review: every problem at once, the party's missing
	// response among them.
	body = getBody(t, team, page+"/review", http.StatusOK)
	ids := regexp.MustCompile(`name="status-(\d+)"`).FindAllStringSubmatch(body, -1)
	require.Len(t, ids, 2)
	auditRespond(t, team, "/staff/audits/recommendations/"+ids[0][1])
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
	res = team.PostForm(page+"/review", url.Values{"version": {version}, "status-" + ids[0][1]: {"completed"}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, `<a href="#status-`+ids[1][1]+`">Choose a follow-up status for R2</a>`)
	require.Contains(t, body, `<a href="#conclusion">`)
	require.Contains(t, body, `<a href="#follow_up_on">`)
	require.Contains(t, body, "Meaningful progress on or completion of all actions", "conclusions by their labels")
	require.Contains(t, body, `<a href="#main">Record the party&#39;s response to R2 before recording the follow-up review</a>`)
	auditRespond(t, team, "/staff/audits/recommendations/"+ids[1][1])

	v := url.Values{"version": {version}, "status-" + ids[0][1]: {"completed"}, "status-" + ids[1][1]: {"some_progress"},
		"note-" + ids[1][1]: {"Assessment begun."}, "conclusion": {"meaningful_progress"}}
	dateValues(v, "follow_up_on", 1, 9, 2020)
	postOK(t, team, page+"/review", v)
	body = getBody(t, team, page, http.StatusOK)
	require.Contains(t, body, "The follow-up review has been recorded.")
	require.Contains(t, body, "Follow-up")
	require.Contains(t, body, "Completed")
	require.Contains(t, body, "Some progress")
	require.Contains(t, body, "1 September 2020")
	require.Contains(t, body, `action="/staff/audits/`+audit+`/letter"`, "the letter can be drafted")

	// The party's page: its audit, and its open urgent/high
	// recommendations (R1 is completed, R2 is low: none).
	admin := env.SignedIn(staff.RoleAdmin)
	body = getBody(t, admin, fmt.Sprintf("/staff/parties/%d", party), http.StatusOK)
	require.Contains(t, body, `<h2 id="audits">Audits</h2>`)
	require.Contains(t, body, `href="/staff/audits/`+audit+`"`)
	require.Contains(t, body, "No urgent or high priority recommendation is open.")
	postOK(t, team, page+"/recommendations", recValues("lawful_basis", "high", "No lawful basis recorded."))
	body = getBody(t, admin, fmt.Sprintf("/staff/parties/%d", party), http.StatusOK)
	require.Regexp(t, `href="/staff/audits/recommendations/\d+">R3<`, body)
	require.Contains(t, body, "Lawful basis")

	analyst := env.SignedIn(staff.RoleAnalyst)
	body = getBody(t, analyst, fmt.Sprintf("/staff/parties/%d", party), http.StatusOK)
	require.Regexp(t, `href="/staff/audits/recommendations/\d+">R3<`, body, "analysts read the section")
	require.NotContains(t, body, "Add an audit of this party")
	require.Contains(t, getBody(t, team, fmt.Sprintf("/staff/parties/%d", party), http.StatusOK), "Add an audit of this party")

	triage := env.SignedIn(staff.RoleTriageOfficer)
	body = getBody(t, triage, fmt.Sprintf("/staff/parties/%d", party), http.StatusOK)
	require.NotContains(t, body, `id="audits"`, "triage officers see no audits")
	require.NotContains(t, body, `href="/staff/audits"`, "nor the navigation entry")
}

func TestAuditPagesRoles(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	analyst := env.SignedIn(staff.RoleAnalyst)
	triage := env.SignedIn(staff.RoleTriageOfficer)
	programme, audit := auditFixture(t, team, addParty(t, env, "Fen Party"))
	postOK(t, team, "/staff/audits/"+audit+"/recommendations", recValues("privacy_information", "urgent", "Notice silent."))

	// The analyst reads every page, with no form or button.
	body := getBody(t, analyst, "/staff/audits", http.StatusOK)
	require.Contains(t, body, `href="/staff/audits">Audits</a>`, "nav entry")
	require.Contains(t, body, "Fen Party")
	require.NotContains(t, body, "Add a programme")
	require.NotContains(t, body, "Add an audit")
	body = getBody(t, analyst, "/staff/audits/"+audit, http.StatusOK)
	require.NotContains(t, body, `method="post"`+` action="/staff/audits`)
	require.NotContains(t, body, "Add a recommendation")
	require.NotContains(t, body, "Change the audit")
	body = getBody(t, analyst, "/staff/audits/programmes/"+programme, http.StatusOK)
	require.NotContains(t, body, "Change the programme")
	for _, path := range []string{"/staff/audits/new", "/staff/audits/programmes/new", "/staff/audits/" + audit + "/edit",
		"/staff/audits/" + audit + "/recommendations/new", "/staff/audits/" + audit + "/import", "/staff/audits/" + audit + "/review"} {
		getBody(t, analyst, path, http.StatusForbidden)
	}
	res := analyst.PostForm("/staff/audits/programmes", url.Values{"name": {"Sneaky"}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusForbidden, res.StatusCode)

	// Triage officers get nothing.
	body = getBody(t, triage, "/staff/", http.StatusOK)
	require.NotContains(t, body, `href="/staff/audits"`)
	for _, path := range []string{"/staff/audits", "/staff/audits/" + audit, "/staff/audits/programmes/" + programme} {
		getBody(t, triage, path, http.StatusForbidden)
	}

	// Filters: a state that is not one is refused in words.
	body = getBody(t, analyst, "/staff/audits?state=sideways", http.StatusUnprocessableEntity)
	require.Contains(t, body, "Select a state from the list")
	require.Contains(t, getBody(t, analyst, "/staff/audits?state=planned&programme="+programme, http.StatusOK), "Fen Party")
	require.Contains(t, getBody(t, analyst, "/staff/audits?state=closed", http.StatusOK), "No audit matches the filter.")

	// The recommendation's target date has passed with no update: it is
	// flagged on the front page.
	body = getBody(t, analyst, "/staff/audits", http.StatusOK)
	require.Contains(t, body, "1 recommendation is past its target date")
	require.Regexp(t, `>R1<span class="visually-hidden"> of Fen Party</span></a> <strong class="tag tag-urgent">Overdue</strong>`, body)
}

func TestAuditImportChecksEveryRow(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	_, audit := auditFixture(t, team, addParty(t, env, "Dale Party"))
	path := "/staff/audits/" + audit + "/import"
	body := getBody(t, team, path, http.StatusOK)
	require.Contains(t, body, "<code>target_date</code>")
	require.Contains(t, body, "Social media targeting")
	csrf := team.CSRFToken(path)
	upload := func(content string, dry bool) (int, string) {
		fields := map[string]string{"csrf_token": csrf}
		if dry {
			fields["dry_run"] = "yes"
		}
		b, ct := multipartFile(t, fields, "recs.csv", []byte(content))
		res, err := team.Client.Post(team.URL(path), ct, b)
		require.NoError(t, err)
		if res.StatusCode == http.StatusSeeOther {
			webtest.ReadBody(res)
			return res.StatusCode, res.Header.Get("Location")
		}
		return res.StatusCode, webtest.ReadBody(res)
	}
	count := func() int {
		var n int
		require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_recommendations`).Scan(&n))
		return n
	}

	bad := "area,priority,finding,action,target_date,provisions\n" +
		"privacy_information,urgent,Notice silent,Rewrite it,2020-03-31,UKGDPR-13\n" +
		"profiling,critical,No assessment,Do one,2020-03-31,\n" +
		"astrology,low,Stars,Stop,2020-03-31,XYZ-1\n"
	code, body := upload(bad, true)
	require.Equal(t, http.StatusUnprocessableEntity, code, body)
	require.Contains(t, body, `<h2 id="problems">`)
	require.Regexp(t, `<td>3</td><td>priority</td>`, body)
	require.Regexp(t, `<td>4</td><td>area</td>`, body)
	require.Regexp(t, `<td>4</td><td>provisions</td>`, body)
	code, _ = upload(bad, false)
	require.Equal(t, http.StatusUnprocessableEntity, code)
	require.Zero(t, count(), "nothing stored")

	good := "area,priority,finding,action,target_date\n" +
		"privacy_information,urgent,Notice silent,Rewrite it,2020-03-31\n" +
		"profiling,low,No assessment,Do one,2020-04-30\n"
	code, body = upload(good, true)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, "nothing has been saved yet")
	require.Zero(t, count())
	code, loc := upload(good, false)
	require.Equal(t, http.StatusSeeOther, code)
	require.Equal(t, "/staff/audits/"+audit, loc)
	require.Equal(t, 2, count())
	require.Contains(t, getBody(t, team, loc, http.StatusOK), "2 recommendations imported.")
}
