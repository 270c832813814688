package web_test

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// auditOutputsEnv is a server with the letter templates seeded and one
// reviewed audit in a programme with a published summary.
func auditOutputsEnv(t *testing.T) (*webtest.Env, *audits.Programme, *audits.Audit) {
	t.Helper()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"FOUR_EYES": "true"}})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	_, err := env.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	f := fixture.New(t, env.Pool).UseOutreach(env.App.Outreach).UseAudits(env.App.Audits)
	prog := f.Programme(fixture.ProgrammeName("Party audits 2019"),
		fixture.ProgrammeSummary("Audits of political parties", "Archwiliadau o bleidiau", "https://regulator.example.org/audits", vocab.Today().AddDate(0, -1, 0)),
		fixture.ProgrammeFindings(audits.AreaFinding{Area: "profiling", Finding: "Profiling was not explained to voters.", FindingCY: "Ni esboniwyd proffilio."}))
	var recs []audits.RecommendationInput
	for i, p := range []string{"urgent", "urgent", "high", "medium", "low"} {
		recs = append(recs, fixture.DefaultRec(fixture.RecPriority(p), fixture.RecArea(audits.Areas.Codes()[i]), fixture.RecProvisions("UKGDPR-14"), fixture.RecGuidance("G2")))
	}
	a := f.Audit(fixture.AuditProgramme(prog.ID), fixture.AuditRecs(recs...), fixture.AuditState("follow_up"),
		fixture.AuditReview("meaningful_progress", "meaningful_progress"))
	return env, prog, a
}

func TestAuditReportPagesDownloadsAndLetter(t *testing.T) {
	t.Parallel()
	env, prog, a := auditOutputsEnv(t)
	report := fmt.Sprintf("/staff/audits/%d/report", a.ID)

	analyst := env.SignedIn(staff.RoleAnalyst)
	res := analyst.Get(report)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, "Audit follow-up report: "+templateEscape(a.PartyName))
	require.Contains(t, body, `<svg role="img" aria-labelledby="chart-title chart-desc"`)
	require.Contains(t, body, `<th scope="row">Urgent</th>`)
	require.Contains(t, body, "Article 14 of the UK GDPR")
	require.Contains(t, body, "Compulsory audit (assessment notice)")
	require.NotContains(t, body, "Draft the follow-up letter", "analysts read only")
	for _, code := range []string{"UKGDPR-", ">urgent<", "meaningful_progress", "privacy_information", ">G2<"} {
		require.NotContains(t, body, code)
	}
	res = analyst.PostForm(fmt.Sprintf("/staff/audits/%d/letter", a.ID), url.Values{})
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	res.Body.Close()

	res = analyst.Get(report + ".pdf")
	pdf := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "application/pdf", res.Header.Get("Content-Type"))
	disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	require.NoError(t, err)
	require.Equal(t, "attachment", disp)
	require.True(t, strings.HasPrefix(params["filename"], "audit-follow-up-"), params["filename"])
	require.True(t, strings.HasPrefix(pdf, "%PDF-"))

	triage := env.SignedIn(staff.RoleTriageOfficer)
	res = triage.Get(report)
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	res.Body.Close()

	// The political team drafts the letter and lands on the batch page.
	pol := env.SignedIn(staff.RolePoliticalTeam)
	res = pol.Get(report)
	body = webtest.ReadBody(res)
	require.Contains(t, body, "Draft the follow-up letter")
	noRedirect := *pol.Client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	token := pol.CSRFToken(report)
	res, err = noRedirect.PostForm(pol.URL(fmt.Sprintf("/staff/audits/%d/letter", a.ID)), url.Values{"csrf_token": {token}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	var batch int64
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT letter_batch_id FROM audits WHERE id = $1`, a.ID).Scan(&batch))
	require.Equal(t, fmt.Sprintf("/staff/letters/batches/%d", batch), res.Header.Get("Location"))
	res = pol.Get(res.Header.Get("Location"))
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, "Follow-up letter drafted")

	// A second draft while the batch is live is refused on the page.
	res = pol.PostForm(fmt.Sprintf("/staff/audits/%d/letter", a.ID), url.Values{})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusConflict, res.StatusCode)
	require.Contains(t, body, `class="error-summary"`)
	require.Contains(t, body, "A follow-up letter for this audit is already waiting to be released")
	require.NotContains(t, body, fmt.Sprintf("batch %d", batch), "the batch is linked, not named by its id")
	require.Contains(t, body, fmt.Sprintf(`href="/staff/letters/batches/%d"`, batch))
	require.Contains(t, body, "is held until a colleague releases it")
	require.NotContains(t, body, "Draft the follow-up letter</button>", "no second draft while the batch stands")

	// Once the batch is cancelled, the page offers the draft again.
	_, err = env.Pool.Exec(context.Background(), `UPDATE letter_batches SET state = 'cancelled' WHERE id = $1`, batch)
	require.NoError(t, err)
	res = pol.Get(fmt.Sprintf("/staff/audits/%d/report", a.ID))
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, "was cancelled")
	require.Contains(t, body, "Draft the follow-up letter</button>")

	// The programme's summary, its PDF and the workbook.
	summary := fmt.Sprintf("/staff/audits/programmes/%d/summary", prog.ID)
	res = analyst.Get(summary)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, "60% of the 5 recommendations were urgent or high priority.")
	require.Contains(t, body, "Profiling was not explained to voters.")
	require.Contains(t, body, "the UK General Data Protection Regulation (UK GDPR)")
	res = analyst.Get(summary + ".pdf")
	require.Equal(t, "application/pdf", res.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(webtest.ReadBody(res), "%PDF-"))
	res = analyst.Get(fmt.Sprintf("/staff/audits/programmes/%d/workbook.xlsx", prog.ID))
	xlsx := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.Header.Get("Content-Type"))
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	require.True(t, strings.HasPrefix(xlsx, "PK"))
	var downloads int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action IN
		('audit.report.download', 'audit_programme.summary.download', 'audit_programme.workbook.download')`).Scan(&downloads))
	require.Equal(t, 3, downloads)

	// Before the review's conclusion the page asks for the review, not a
	// draft.
	_, err = env.Pool.Exec(context.Background(), `UPDATE audits SET conclusion = NULL WHERE id = $1`, a.ID)
	require.NoError(t, err)
	res = pol.Get(report)
	body = webtest.ReadBody(res)
	require.Contains(t, body, "Record the follow-up review and its conclusion before drafting the letter")
	require.NotContains(t, body, "Draft the follow-up letter</button>")
}

func TestAuditReportInWelshForWelshReaders(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	_, err := env.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	f := fixture.New(t, env.Pool).UseOutreach(env.App.Outreach).UseAudits(env.App.Audits)
	party := f.Party()
	f.Contact(party.ID, func(c *parties.Contact) { cy := "cy"; c.Language = &cy })
	a := f.Audit(fixture.AuditParty(party.ID), fixture.AuditRecs(fixture.DefaultRec(), fixture.DefaultRec()), fixture.AuditState("follow_up"))
	report := fmt.Sprintf("/staff/audits/%d/report", a.ID)
	pol := env.SignedIn(staff.RolePoliticalTeam)

	// Without the Welsh of every recommendation the report cannot be made:
	// the page says which, and offers no draft.
	res := pol.Get(report)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, "R1 and R2 have no Welsh finding or action")
	require.NotContains(t, body, "Draft the follow-up letter")

	_, err = env.Pool.Exec(ctx, `UPDATE audit_recommendations SET finding_cy = 'Canfyddiad Cymraeg', action_cy = 'Cam Cymraeg' WHERE audit_id = $1`, a.ID)
	require.NoError(t, err)
	res = pol.Get(report + "?lang=cy")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, `<div lang="cy">`)
	require.Contains(t, body, "Adroddiad dilynol ar yr archwiliad")
	require.Contains(t, body, "Canfyddiad Cymraeg")
	require.Contains(t, body, "Statws fesul blaenoriaeth")
	welsh := body[strings.Index(body, `<div lang="cy">`):strings.Index(body, `<h2 id="letter">`)]
	for _, english := range []string{"Finding", "Priority", "Completed", "Recommended action", "Article ", "Download"} {
		require.NotContains(t, welsh, english, "no English in the Welsh version")
	}
	require.Contains(t, body, "Download this report as a PDF", "the staff's English link stays outside the Welsh part")
}

// The programme summary has a Welsh version under ?lang=cy, linked from
// the English page: every heading, label, chart and table in Welsh and no
// English free text. It is refused, naming what to fill in, while a Welsh
// text is missing.
func TestAuditSummaryInWelsh(t *testing.T) {
	t.Parallel()
	env, prog, a := auditOutputsEnv(t)
	ctx := context.Background()
	analyst := env.SignedIn(staff.RoleAnalyst)
	summary := fmt.Sprintf("/staff/audits/programmes/%d/summary", prog.ID)
	_, err := env.Pool.Exec(ctx, `UPDATE audit_programmes SET name_cy = '' WHERE id = $1`, prog.ID)
	require.NoError(t, err)

	res := analyst.Get(summary + "?lang=cy")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
	require.Contains(t, body, templateEscape("The Welsh version of the summary report cannot be made until you enter the programme's Welsh name."))
	require.NotContains(t, body, `<div lang="cy">`)
	res = analyst.Get(summary + ".pdf?lang=cy")
	webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	res = analyst.Get(summary)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, "There is no Welsh version yet.")
	require.NotContains(t, body, "summary?lang=cy")

	_, err = env.Pool.Exec(ctx, `UPDATE audit_programmes SET name_cy = 'Archwiliadau pleidiau 2019' WHERE id = $1`, prog.ID)
	require.NoError(t, err)
	_, err = env.Pool.Exec(ctx, `UPDATE audits SET good_practice = 'Staff knew whom to ask.', good_practice_cy = 'Roedd y staff yn gwybod at bwy i droi.' WHERE id = $1`, a.ID)
	require.NoError(t, err)
	res = analyst.Get(summary)
	body = webtest.ReadBody(res)
	require.Contains(t, body, `href="/staff/audits/programmes/`+fmt.Sprint(prog.ID)+`/summary?lang=cy" hreflang="cy"`)
	require.Contains(t, body, `<div lang="en">`)

	res = analyst.Get(summary + "?lang=cy")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	welsh := body[strings.Index(body, `<div lang="cy">`):]
	welsh = welsh[:strings.Index(welsh, "</main>")]
	for _, want := range []string{"Adroddiad cryno: Archwiliadau pleidiau 2019", "Canfyddiadau allweddol fesul maes", "Ni esboniwyd proffilio.",
		"Argymhellion fesul blaenoriaeth", "Brys neu uchel", "Cynnydd adeg yr adolygiad dilynol fesul plaid", "Cynnydd adeg yr adolygiad dilynol fesul blaenoriaeth",
		templateEscape("Roedd y staff yn gwybod at bwy i droi."), "Arferion da a nodwyd", `<th scope="row">` + audits.Priorities.Label("urgent", "cy") + `</th>`,
		">" + audits.Statuses.Label("meaningful_progress", "cy") + "<", "Cynhyrchwyd"} {
		require.Contains(t, welsh, want)
	}
	for _, english := range []string{"Profiling was not explained", "Staff knew whom to ask", "Key findings by area", "Progress at follow-up",
		"Good practice noted", "urgent or high priority", "Urgent or high", "Meaningful progress", ">Urgent<", "Produced", "Party audits 2019"} {
		require.NotContains(t, welsh, english, "no English in the Welsh version")
	}
	require.Contains(t, body, "read it in English")

	res = analyst.Get(summary + ".pdf?lang=cy")
	pdf := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, strings.HasPrefix(pdf, "%PDF-"))
	_, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(params["filename"], "adroddiad-cryno-"), params["filename"])
}
