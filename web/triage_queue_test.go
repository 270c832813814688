package web_test

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func triagedComplaints(t *testing.T, e *webtest.Env, n int) []string {
	t.Helper()
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)
	eng, err := triage.NewEngine(rb)
	require.NoError(t, err)
	p := review.NewPipeline(e.Pool, eng)
	svc := complaints.NewService(e.Pool, e.Jobs)
	var refs []string
	for i := range n {
		rc, err := svc.Submit(context.Background(), complaints.Submission{
			Channel: "sms", PartyText: "Example Party", ReceivedAt: time.Now().Add(-time.Duration(i+1) * time.Hour), ReceivedAtHasTime: true,
			Sender: "07700 90012" + string(rune('0'+i)), Message: "Vote for us " + strings.Repeat("now ", i+1), Consent: "no",
			Source: "web", Lang: "en",
		}, complaints.Meta{})
		require.NoError(t, err)
		_, err = p.Triage(context.Background(), rc.ComplaintID)
		require.NoError(t, err)
		refs = append(refs, rc.Reference)
	}
	return refs
}

func TestTriagePagesOverrideAndBulkClose(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	refs := triagedComplaints(t, e, 3)
	officer := e.SignedIn(staff.RoleTriageOfficer)

	res := e.SignedIn(staff.RoleAnalyst).Get("/staff/triage")
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	webtest.ReadBody(res)

	res = officer.Get("/staff/triage?status=triaged&sort=received")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	for _, ref := range refs {
		require.Contains(t, body, ref)
	}
	res = officer.Get("/staff/triage?priority=severe")
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	webtest.ReadBody(res)

	panel := "/staff/triage/" + refs[0]
	res = officer.Get(panel)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, "PECR-22")
	require.Contains(t, body, "/staff/complaints/"+refs[0])

	// An override without a reason is refused and shown on the form.
	res = officer.PostForm(panel+"/override", url.Values{"priority": {"urgent"}, "provisions": {"PECR-22"}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, "Enter why you are changing the triage result")
	res = officer.PostForm(panel+"/override", url.Values{"priority": {"urgent"}, "provisions": {"PECR-22, UKGDPR-14"}, "reason": {"Repeated after opt-out"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	webtest.ReadBody(res)
	body = webtest.ReadBody(officer.Get(panel))
	require.Contains(t, body, "Repeated after opt-out")
	var n int
	require.NoError(t, e.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM audit_log WHERE action = 'complaint.triage_override' AND object_id = $1 AND actor = $2`, refs[0], officer.User.Email).Scan(&n))
	require.Equal(t, 1, n)

	// Bulk close two of them from the queue's one form.
	res = officer.PostForm("/staff/triage/bulk", url.Values{"ref": refs[1:], "do": {"close"}, "outcome": {"no_breach"}, "back": {"?status=triaged"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/staff/triage?status=triaged", res.Header.Get("Location"))
	webtest.ReadBody(res)
	require.NoError(t, e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints WHERE status = 'closed'`).Scan(&n))
	require.Equal(t, 2, n)

	res = officer.Get("/staff/clusters")
	require.Equal(t, http.StatusOK, res.StatusCode)
	webtest.ReadBody(res)
	res = e.SignedIn(staff.RolePoliticalTeam).Get("/staff/alerts")
	require.Equal(t, http.StatusOK, res.StatusCode)
	webtest.ReadBody(res)
}

// dayOnlyComplaint submits and triages a complaint whose complainant gave
// only the day it arrived.
func dayOnlyComplaint(t *testing.T, e *webtest.Env) string {
	t.Helper()
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)
	eng, err := triage.NewEngine(rb)
	require.NoError(t, err)
	day := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	rc, err := complaints.NewService(e.Pool, e.Jobs).Submit(context.Background(), complaints.Submission{
		Channel: "sms", PartyText: "Example Party", ReceivedAt: day, ReceivedAtHasTime: false,
		Sender: "07700 900999", Message: "Vote for us on Thursday", Consent: "no", Source: "web", Lang: "en",
	}, complaints.Meta{})
	require.NoError(t, err)
	_, err = review.NewPipeline(e.Pool, eng).Triage(context.Background(), rc.ComplaintID)
	require.NoError(t, err)
	return rc.Reference
}

func TestTriageQueueTagsRemoveOneFilterEach(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	triagedComplaints(t, e, 1)
	officer := e.SignedIn(staff.RoleTriageOfficer)
	res := officer.Get("/staff/triage?status=triaged&channel=sms&sort=received_asc&page=1")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	require.Contains(t, body, `<details class="details filter-panel">`)
	require.Contains(t, body, `<a class="filter-tag" href="/staff/triage?channel=sms&amp;sort=received_asc"><span class="visually-hidden">Remove filter: </span>Status: Triaged`)
	require.Contains(t, body, `<a class="filter-tag" href="/staff/triage?sort=received_asc&amp;status=triaged"><span class="visually-hidden">Remove filter: </span>Channel: Text message`)
	// The order is not a filter: it has no tag.
	require.NotContains(t, body, "Remove filter: </span>Sort")

	body = webtest.ReadBody(officer.Get("/staff/triage"))
	require.NotContains(t, body, "filter-tag")
}

func TestTriageNextComplaintWorksThroughTheQueue(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	refs := triagedComplaints(t, e, 3) // refs[2] is the oldest
	officer := e.SignedIn(staff.RoleTriageOfficer)
	const q = "?channel=sms&sort=received_asc"

	// The queue's links carry its filters and order to the panel.
	body := webtest.ReadBody(officer.Get("/staff/triage" + q + "&page=1"))
	require.Contains(t, body, `href="/staff/triage/`+refs[2]+`?channel=sms&amp;sort=received_asc"`)

	// The panel links to the next one in that order, and back to the
	// same queue.
	body = webtest.ReadBody(officer.Get("/staff/triage/" + refs[2] + q))
	require.Contains(t, body, `href="/staff/triage/`+refs[1]+`?channel=sms&amp;sort=received_asc" class="next-link"`)
	require.Contains(t, body, `href="/staff/triage?channel=sms&amp;sort=received_asc">Back to the triage queue`)

	// Saving a decision opens the next complaint, not the list.
	res := officer.PostForm("/staff/triage/"+refs[1]+"/accept", url.Values{"queue": {q[1:]}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/staff/triage/"+refs[0]+q, res.Header.Get("Location"))

	// After the last one, the officer is told nothing is left.
	body = webtest.ReadBody(officer.Get("/staff/triage/" + refs[0] + q))
	require.Contains(t, body, "No other complaint is left in this queue.")
	res = officer.PostForm("/staff/triage/"+refs[0]+"/accept", url.Values{"queue": {q[1:]}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/staff/triage"+q, res.Header.Get("Location"))
	body = webtest.ReadBody(officer.Get("/staff/triage" + q))
	require.Contains(t, body, "No complaint is left in this queue.")
}

func TestTriagePanelSaysWhyInSentencesAndTicksProvisions(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	refs := triagedComplaints(t, e, 1)
	officer := e.SignedIn(staff.RoleTriageOfficer)
	body := webtest.ReadBody(officer.Get("/staff/triage/" + refs[0]))
	why := body[strings.Index(body, "<h3>Why</h3>"):]
	why = why[:strings.Index(why, "</ol>")]
	require.Contains(t, why, "the complainant had not given permission")
	require.NotContains(t, why, " = ")
	require.NotContains(t, why, "_")
	// Provisions are ticked from a list grouped by law, the result's own
	// ticked to start with.
	require.Contains(t, body, `<input type="checkbox" id="provision-PECR-22" name="provisions" value="PECR-22" checked>`)
	require.Contains(t, body, `<legend class="label">The Privacy and Electronic Communications`)

	res := officer.PostForm("/staff/triage/"+refs[0]+"/override", url.Values{"priority": {"urgent"},
		"provisions": {"PECR-22", "UKGDPR-14"}, "reason": {"Two provisions"}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	body = webtest.ReadBody(officer.Get("/staff/triage/" + refs[0]))
	require.Contains(t, body, `value="UKGDPR-14" checked>`)
}

func TestTriageDayOnlyComplaintShowsNoMidnight(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ref := dayOnlyComplaint(t, e)
	officer := e.SignedIn(staff.RoleTriageOfficer)
	body := webtest.ReadBody(officer.Get("/staff/triage"))
	require.Contains(t, body, `<td class="nowrap">4 Mar 2026</td>`)
	require.NotContains(t, body, "4 Mar 2026 00:00")
	body = webtest.ReadBody(officer.Get("/staff/triage/" + ref))
	require.Contains(t, body, `4 Mar 2026 <span class="hint">(no time given)</span>`)
	require.NotContains(t, body, "4 Mar 2026 00:00")
}

// TestTriageShowsProvisionsAndGuidanceInWords: the panel names provisions
// and guidance points by what they say wherever it lists them, and the
// narrow queue column keeps the short id with its title for hover and
// for screen readers.
func TestTriageShowsProvisionsAndGuidanceInWords(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	refs := triagedComplaints(t, e, 1)
	officer := e.SignedIn(staff.RoleTriageOfficer)
	pecr22 := triage.CodeTitle("PECR-22")
	require.NotEmpty(t, pecr22)

	body := webtest.ReadBody(officer.Get("/staff/triage"))
	require.Contains(t, body, `<abbr title="`+template.HTMLEscapeString(pecr22)+`">PECR-22</abbr><span class="visually-hidden">: `+template.HTMLEscapeString(pecr22)+`</span>`)

	panel := "/staff/triage/" + refs[0]
	res := officer.PostForm(panel+"/override", url.Values{"priority": {"urgent"}, "provisions": {"PECR-22", "UKGDPR-14"}, "reason": {"Two provisions"}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	body = webtest.ReadBody(officer.Get(panel))

	guidance := between(t, body, "<dt>Guidance</dt>", "</dd>")
	require.NotRegexp(t, `<dd>(G[0-9]|BCC)\b`, guidance)
	require.Regexp(t, `[a-z]{4,} [a-z]{4,}.*\((G[0-9]|BCC)\)`, guidance)

	why := between(t, body, "<h3>Why</h3>", "</ol>")
	require.NotRegexp(t, `→ [A-Z]+-[0-9]+[;.,]`, why)
	require.NotContains(t, why, "guidance G")
	require.Contains(t, why, template.HTMLEscapeString(pecr22)+" (PECR-22)")

	decisions := between(t, body, "<h2>Decisions</h2>", "</table>")
	require.Contains(t, decisions, "Changed to Urgent:<br>"+template.HTMLEscapeString(pecr22)+" (PECR-22)<br>"+
		template.HTMLEscapeString(triage.CodeTitle("UKGDPR-14"))+" (UKGDPR-14)")
	require.Contains(t, decisions, ":<br>"+template.HTMLEscapeString(pecr22)+" (PECR-22)</td>", "the original provisions in words")
}

func between(t *testing.T, body, from, to string) string {
	t.Helper()
	i := strings.Index(body, from)
	require.GreaterOrEqual(t, i, 0, "no %q", from)
	s := body[i:]
	j := strings.Index(s, to)
	require.GreaterOrEqual(t, j, 0, "no %q after %q", to, from)
	return s[:j]
}

// TestTriagePanelErrorsAreNamedByTheirControls: each message is tied to
// its control, so a screen reader reads it on reaching the control.
func TestTriagePanelErrorsAreNamedByTheirControls(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	refs := triagedComplaints(t, e, 1)
	officer := e.SignedIn(staff.RoleTriageOfficer)
	panel := "/staff/triage/" + refs[0]

	res := officer.PostForm(panel+"/override", url.Values{"priority": {"severe"}, "provisions": {"NOT-A-LAW"}})
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	for _, f := range []string{"priority", "reason", "provisions"} {
		require.Contains(t, body, `id="`+f+`-error"`, f)
	}
	require.Contains(t, body, `id="priority" name="priority" aria-describedby="priority-error"`)
	require.Contains(t, body, `id="reason" name="reason" rows="3" aria-describedby="reason-error"`)
	require.Contains(t, body, `<fieldset class="fieldset" aria-describedby="provisions-hint provisions-error">`)

	res = officer.PostForm(panel+"/close", url.Values{})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, `id="outcome-error"`)
	require.Contains(t, body, `id="outcome" name="outcome" aria-describedby="outcome-error"`)

	// Without errors no control points at a message that is not there.
	body = webtest.ReadBody(officer.Get(panel))
	require.NotContains(t, body, "-error\"")
	require.Contains(t, body, `<fieldset class="fieldset" aria-describedby="provisions-hint">`)
}

// TestDayOnlyComplaintShowsItsDateEverywhere: the complaint list and the
// dashboard's urgent table show a date alone when no time was given, and
// the time when it was.
func TestDayOnlyComplaintShowsItsDateEverywhere(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ref := dayOnlyComplaint(t, e)
	timed := triagedComplaints(t, e, 1)[0]
	officer := e.SignedIn(staff.RoleTriageOfficer)
	for _, r := range []string{ref, timed} {
		res := officer.PostForm("/staff/triage/"+r+"/override", url.Values{"priority": {"urgent"}, "provisions": {"PECR-22"}, "reason": {"Urgent for the test"}})
		webtest.ReadBody(res)
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
	}
	var at time.Time
	require.NoError(t, e.Pool.QueryRow(context.Background(), `SELECT received_at FROM complaints WHERE reference = $1`, timed).Scan(&at))
	withTime := at.In(vocab.London).Format("2 Jan 2006 15:04")

	for _, path := range []string{"/staff/", "/staff/complaints"} {
		body := webtest.ReadBody(officer.Get(path))
		require.Contains(t, body, ">4 Mar 2026</td>", path)
		require.NotContains(t, body, "4 Mar 2026 00:00", path)
		require.Contains(t, body, ">"+withTime+"</td>", path)
	}
}
