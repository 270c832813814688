package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
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
