package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestAuditFormsShowEveryProblemAtOnce checks that one submit shows the
// form's own problems (a date that is not a date) with the service's
// (dates out of order, a target before the report), in the summary and
// beside the fields, and stores nothing.
func TestAuditFormsShowEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	party := addParty(t, env, "Brook Party")
	count := func(table string) int {
		var n int
		require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n))
		return n
	}
	shows := func(body, field, message string) {
		t.Helper()
		require.Contains(t, body, `<a href="#`+field+`">`+message+`</a>`, "in the summary")
		require.Contains(t, body, `id="`+field+`-error"`, "beside the field")
	}

	// The audit form: a date that is not one, and two out of order.
	v := url.Values{"party": {fmt.Sprint(party)}, "type": {"consensual"}, "auditors": {"Ann Auditor"}}
	dateValues(v, "fieldwork_from", 40, 1, 2019)
	dateValues(v, "fieldwork_to", 18, 10, 2019)
	dateValues(v, "report_on", 1, 10, 2019)
	res := team.PostForm("/staff/audits", v)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
	shows(body, "fieldwork_from", "The first day of fieldwork must be a real date")
	shows(body, "report_on", "The date of the report must be the same as or after the date fieldwork ended, 18 October 2019")

	// Only an optional date that is not a date: still nothing is saved.
	dateValues(v, "report_on", 1, 11, 2019)
	res = team.PostForm("/staff/audits", v)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
	shows(body, "fieldwork_from", "The first day of fieldwork must be a real date")
	require.Zero(t, count("audits"), "nothing stored")
	require.Zero(t, count("audit_log WHERE action = 'audit.create'"))

	// The recommendation form: no finding, and a target before the report.
	_, audit := auditFixture(t, team, party)
	rv := recValues("privacy_information", "urgent", "")
	dateValues(rv, "target_on", 1, 11, 2019)
	res = team.PostForm("/staff/audits/"+audit+"/recommendations", rv)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
	shows(body, "finding", "Enter the finding")
	shows(body, "target_on", "The target date must be the same as or after the date of the report, 20 November 2019")

	// A target date that is not a date, with a provision we do not know.
	rv = recValues("privacy_information", "urgent", "Notice silent.")
	rv.Set("provisions", "XYZ-1")
	dateValues(rv, "target_on", 31, 2, 2020)
	res = team.PostForm("/staff/audits/"+audit+"/recommendations", rv)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
	shows(body, "target_on", "The target date must be a real date")
	require.Contains(t, body, `<a href="#provisions">XYZ-1 is not a provision we know`)
	require.Zero(t, count("audit_recommendations"))
}

func TestAuditPageLetterFollowsItsBatch(t *testing.T) {
	t.Parallel()
	env, _, a := auditOutputsEnv(t)
	team := env.SignedIn(staff.RolePoliticalTeam)
	page := fmt.Sprintf("/staff/audits/%d", a.ID)
	button := "Draft the follow-up letter</button>"
	require.Contains(t, getBody(t, team, page, http.StatusOK), button, "no batch yet")

	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	res, err := env.App.Audits.DraftLetter(ctx, a.ID)
	require.NoError(t, err)
	body := getBody(t, team, page, http.StatusOK)
	require.Contains(t, body, fmt.Sprintf(`<a href="/staff/letters/batches/%d">The follow-up letter's batch</a>: held until a second person releases it`, res.BatchID))
	require.NotContains(t, body, button, "one live batch at a time")

	_, err = env.App.Outreach.CancelBatch(ctx, res.BatchID)
	require.NoError(t, err)
	body = getBody(t, team, page, http.StatusOK)
	require.Contains(t, body, button, "a cancelled batch leaves room for a new draft")
	require.Contains(t, body, "was cancelled; you can draft the letter again")
	require.NotContains(t, body, "The follow-up letter's batch</a>:")
	got, err := env.App.Audits.Audit(ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, "cancelled", got.LetterBatchState)
}

func TestAuditResponsesWaitForTheReport(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	team := env.SignedIn(staff.RolePoliticalTeam)
	_, audit := auditFixture(t, team, addParty(t, env, "Ford Party"))
	postOK(t, team, "/staff/audits/"+audit+"/recommendations", recValues("accountability", "medium", "No record of processing."))
	body := getBody(t, team, "/staff/audits/"+audit, http.StatusOK)
	rec := "/staff/audits/recommendations/" + regexp.MustCompile(`href="/staff/audits/recommendations/(\d+)">R1<`).FindStringSubmatch(body)[1]

	body = getBody(t, team, rec, http.StatusOK)
	require.Contains(t, body, "The party's response is recorded once the audit's report is issued.")
	require.Contains(t, body, "Progress updates are added once the audit's report is issued.")
	require.NotContains(t, body, `action="`+rec+`/response"`)
	require.NotContains(t, body, `action="`+rec+`/progress"`)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(getBody(t, team, rec+"/edit", http.StatusOK))[1]
	res := team.PostForm(rec+"/response", url.Values{"answer": {"agreed"}, "action": {"Act."}, "owner": {"DPO"}, "version": {version}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, body)
	require.Contains(t, body, `<a href="#main">Record the party&#39;s response once the audit&#39;s report is issued; the audit is at the stage &#34;Planned&#34;</a>`)

	auditAdvance(t, team, "/staff/audits/"+audit, "fieldwork", "report_issued")
	body = getBody(t, team, rec, http.StatusOK)
	require.Contains(t, body, `action="`+rec+`/response"`)
	require.Contains(t, body, `action="`+rec+`/progress"`)
}
