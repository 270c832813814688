package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// The political team runs an audit in the browser: every audit page,
// with and without errors, and the party's page, each checked with axe;
// then an analyst reads the audit. The database is fresh, so the first
// programme, audit and recommendation are number 1.
func TestBrowserAuditPages(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	party := addParty(t, env, "Hill Party")
	u := env.CreateUser(staff.RolePoliticalTeam)
	browser := newBrowser(t)
	b := newTab(t, browser, env.Server.URL)

	b.open("/staff/login")
	b.set("email", u.Email)
	b.set("password", webtest.Password)
	b.submit(`form button[type=submit]`, "/staff/")
	b.do(chromedp.Click(chromedp.CSS(`nav a[href="/staff/audits"]`), chromedp.NodeVisible))
	b.waitPage("/staff/audits")
	b.checkAxe()

	// A programme: refused with every error, then added.
	b.open("/staff/audits/programmes/new")
	b.set("finding_cy-profiling", "Proffilio")
	b.set("published_on", "31")
	b.submit(`form[action="/staff/audits/programmes"] button[type=submit]`, "/staff/audits/programmes")
	require.Contains(t, b.text(".error-summary"), "Enter the programme's name")
	require.Contains(t, b.text("#published_on-error"), "must include a month and a year")
	b.set("name", "2019 audits of parties")
	eval[string](b, `document.getElementById("finding_cy-profiling").value = document.getElementById("published_on").value = ""`)
	b.set("finding-privacy_information", "Privacy notices left out how data was combined.")
	b.submit(`form[action="/staff/audits/programmes"] button[type=submit]`, "/staff/audits/programmes/1")
	require.Contains(t, b.text(".notice-success"), "The programme has been created.")
	b.open("/staff/audits/programmes/1/edit")

	// An audit: refused, then added.
	b.open("/staff/audits/new?programme=1")
	b.submit(`form[action="/staff/audits"] button[type=submit]`, "/staff/audits")
	require.Contains(t, b.text(".error-summary"), "Choose the party being audited")
	require.Contains(t, b.text("#type-error"), "Choose the type of audit")
	b.set("party", fmt.Sprint(party))
	b.choose("type", "consensual")
	for field, d := range map[string][3]string{"fieldwork_from": {"14", "10", "2019"}, "fieldwork_to": {"18", "10", "2019"}, "report_on": {"20", "11", "2019"}} {
		b.set(field, d[0])
		b.set(field+"-month", d[1])
		b.set(field+"-year", d[2])
	}
	b.do(chromedp.Click(chromedp.CSS(`#scope-social_media`)))
	b.set("auditors", "Ann Auditor\nBen Auditor")
	b.choose("assurance", "limited")
	b.submit(`form[action="/staff/audits"] button[type=submit]`, "/staff/audits/1")
	require.Contains(t, b.text(".notice-success"), "The audit has been created.")
	require.Contains(t, b.text("main"), "Social media for marketing and campaigning")
	b.open("/staff/audits/1/edit")

	// Into fieldwork; the report cannot be issued without a
	// recommendation, which the page says.
	b.open("/staff/audits/1")
	b.submit(`form[action="/staff/audits/1/advance"] button[type=submit]`, "/staff/audits/1")
	require.Contains(t, b.text("#advance"), "In fieldwork")
	b.submit(`form[action="/staff/audits/1/advance"] button[type=submit]`, "/staff/audits/1/advance")
	require.Contains(t, b.text(".error-summary"), "recommendation")

	// A recommendation: refused, then added.
	b.open("/staff/audits/1/recommendations/new")
	b.submit(`form[action="/staff/audits/1/recommendations"] button[type=submit]`, "/staff/audits/1/recommendations")
	require.Contains(t, b.text(".error-summary"), "Choose the area of the finding")
	require.Contains(t, b.text(".error-summary"), "Enter the target date")
	b.choose("area", "privacy_information")
	b.choose("priority", "urgent")
	b.set("finding", "The privacy notice does not mention profiling.")
	b.set("action", "Rewrite the privacy notice.")
	b.set("target_on", "31")
	b.set("target_on-month", "3")
	b.set("target_on-year", "2020")
	b.do(chromedp.Click(chromedp.CSS(`#provision-UKGDPR-13`)))
	b.do(chromedp.Click(chromedp.CSS(`#guidance-G2`)))
	b.submit(`form[action="/staff/audits/1/recommendations"] button[type=submit]`, "/staff/audits/1")
	require.Contains(t, b.text("table"), "Urgent")

	// The import page, with a file that has problems.
	b.open("/staff/audits/1/import")
	csv := filepath.Join(t.TempDir(), "recs.csv")
	require.NoError(t, os.WriteFile(csv, []byte("area,priority,finding,action,target_date\nastrology,critical,Stars,Stop,2020-03-31\n"), 0o600))
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{csv}))
	b.do(chromedp.Click(chromedp.CSS(`#dry_run`)))
	b.submit(`form[action="/staff/audits/1/import"] button[type=submit]`, "/staff/audits/1/import")
	require.Contains(t, b.text("#problems"), "Problems in recs.csv")

	// The report is issued.
	b.open("/staff/audits/1")
	b.submit(`form[action="/staff/audits/1/advance"] button[type=submit]`, "/staff/audits/1")
	require.Contains(t, b.text("#advance"), "Report issued")

	// The recommendation: a refused response, then a recorded one, and
	// a progress update with evidence.
	b.open("/staff/audits/recommendations/1")
	b.submit(`form[action="/staff/audits/recommendations/1/response"] button[type=submit]`, "/staff/audits/recommendations/1/response")
	require.Contains(t, b.text(".error-summary"), "Choose the party's response")
	b.choose("answer", "agreed")
	b.set("action", "A new notice by March.")
	b.set("owner", "Data protection lead")
	b.submit(`form[action="/staff/audits/recommendations/1/response"] button[type=submit]`, "/staff/audits/recommendations/1")
	b.set("note", "The new notice is published.")
	txt := filepath.Join(t.TempDir(), "notice.txt")
	require.NoError(t, os.WriteFile(txt, []byte("Our new privacy notice.\n"), 0o600))
	b.do(chromedp.SetUploadFiles(chromedp.CSS(`#evidence`), []string{txt}))
	b.submit(`form[action="/staff/audits/recommendations/1/progress"] button[type=submit]`, "/staff/audits/recommendations/1")
	require.Contains(t, b.text("main"), "notice.txt")

	// The follow-up review recorded.
	b.open("/staff/audits/1/review")
	b.submit(`form[action="/staff/audits/1/review"] button[type=submit]`, "/staff/audits/1/review")
	require.Contains(t, b.text(".error-summary"), "Choose a follow-up status for R1")
	b.set("status-1", "completed")
	b.choose("conclusion", "all_completed")
	b.set("follow_up_on", "1")
	b.set("follow_up_on-month", "9")
	b.set("follow_up_on-year", "2020")
	b.submit(`form[action="/staff/audits/1/review"] button[type=submit]`, "/staff/audits/1")
	require.Contains(t, b.text(".notice-success"), "The follow-up review has been recorded.")

	b.open(fmt.Sprintf("/staff/parties/%d", party))
	require.Contains(t, b.text("#audits"), "Audits")
	b.open("/staff/audits")
	b.open("/staff/audits/programmes/1")

	// An analyst reads the same pages.
	a := env.CreateUser(staff.RoleAnalyst)
	r := newTab(t, browser, env.Server.URL)
	r.open("/staff/login")
	r.set("email", a.Email)
	r.set("password", webtest.Password)
	r.submit(`form button[type=submit]`, "/staff/")
	for _, p := range []string{"/staff/audits", "/staff/audits/1", "/staff/audits/recommendations/1", "/staff/audits/programmes/1"} {
		r.open(p)
	}
	require.GreaterOrEqual(t, b.axe+r.axe, 25)
}
