package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

var (
	// Addresses such as admin@example.org hold role names as words.
	emailAddress = regexp.MustCompile(`\S+@\S+`)
)

func TestStaffPagesShowWordsNotCodes(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	svc := seedLetterTemplates(t, e)
	englishOnly(t, e)

	// An election whose letters are held: a batch, letters and states.
	polling := time.Date(2099, 5, 1, 0, 0, 0, 0, time.UTC)
	_, err := callConfirmed(ctx, svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "Assembly 2099", Type: "ni_assembly",
		PollingDay: &polling}, Template: "election-reminder", Hold: true})
	require.NoError(t, err)

	// A triaged complaint whose priority an officer overrides, and one
	// with no time of incident.
	refs := triagedComplaints(t, e, 1)
	ref := refs[0]
	var before string
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT priority FROM complaints WHERE reference = $1`, ref).Scan(&before))
	to := "urgent"
	if before == to {
		to = "high"
	}
	officer := e.SignedIn(staff.RoleTriageOfficer)
	res := officer.PostForm("/staff/triage/"+ref+"/override", url.Values{"priority": {to}, "provisions": {"PECR-22"}, "reason": {"repeat sender"}})
	require.Less(t, res.StatusCode, 400, webtest.ReadBody(res))
	res.Body.Close()
	dateOnly, err := complaints.NewService(e.Pool, e.Jobs).Submit(ctx, complaints.Submission{
		Channel: "live_call", PartyText: "Example Party", ReceivedAt: time.Date(2026, 3, 4, 0, 0, 0, 0, vocab.London),
		Sender: "0113 496 0004", Message: "A call", Consent: "no", Source: "web", Lang: "en",
	}, complaints.Meta{})
	require.NoError(t, err)
	// The officer takes the complaint: the history names them, not their
	// account's id.
	res = officer.PostForm("/staff/triage/"+ref+"/assign", url.Values{"officer": {strconv.FormatInt(officer.User.ID, 10)}})
	res.Body.Close()
	require.Less(t, res.StatusCode, 400)

	var partyID, batchID, letterID int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT min(id) FROM parties`).Scan(&partyID))
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT max(id) FROM letter_batches`).Scan(&batchID))
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT min(id) FROM letters`).Scan(&letterID))
	var electionID int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT id FROM elections WHERE name = 'Assembly 2099'`).Scan(&electionID))

	// An audit with a recommendation: its type, state, scope, assurance,
	// area and priority are all codes underneath.
	f := fixture.New(t, e.Pool)
	au := f.Audit(fixture.AuditState("fieldwork"), fixture.AuditRecs(fixture.DefaultRec(fixture.RecPriority("high"))))
	var recID int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT min(id) FROM audit_recommendations WHERE audit_id = $1`, au.ID).Scan(&recID))

	admin := e.SignedIn(staff.RoleAdmin)
	raw := rawCodes()
	pages := map[string]string{}
	for _, path := range []string{
		"/staff/complaints", "/staff/complaints/" + ref, "/staff/complaints/" + dateOnly.Reference,
		"/staff/elections", "/staff/elections/" + itoa(electionID),
		"/staff/letters/batches/" + itoa(batchID), "/staff/letters/" + itoa(letterID), "/staff/letters/new",
		"/staff/letter-templates", "/staff/letter-templates/election-reminder",
		"/staff/parties", "/staff/parties/" + itoa(partyID),
		"/staff/admin/users", "/staff/admin/audit", "/staff/rulebook", "/staff/alerts", "/staff/clusters", "/staff/outbox", "/staff/audits",
		"/staff/audits/" + itoa(au.ID), "/staff/audits/recommendations/" + itoa(recID),
		"/staff/letter-templates/election-reminder/versions/1", "/staff/letter-templates/election-reminder/edit",
	} {
		res := admin.Get(path)
		body := webtest.ReadBody(res)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", path, body)
		pages[path] = visibleText(body)
		text := emailAddress.ReplaceAllString(visibleText(body), "")
		if found := rawCodesIn(text, raw); len(found) > 0 {
			t.Errorf("%s shows raw codes: %s", path, strings.Join(found, "; "))
		}
	}

	history := pages["/staff/complaints/"+ref]
	require.Contains(t, history, "Priority changed from "+vocab.PriorityLabel(before)+" to "+vocab.PriorityLabel(to))
	require.Contains(t, history, "by "+officer.User.Email+": 'repeat sender'")
	require.Contains(t, history, "assigned officer changed from none to "+officer.User.Email)
	require.Contains(t, history, "Complaint triaged: ")
	require.Contains(t, pages["/staff/admin/audit"], "Complaint "+ref)
	require.Contains(t, pages["/staff/admin/audit"], "Signed in by "+admin.User.Email)

	// The complaint with no time shows its date, not a made-up midnight.
	detail := pages["/staff/complaints/"+dateOnly.Reference]
	require.Contains(t, detail, "4 Mar 2026")
	require.NotContains(t, detail, "4 Mar 2026 00:00")
	require.Contains(t, pages["/staff/elections"], "Northern Ireland Assembly")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Every state a letter or batch can be in has words of its own.
func TestEveryLetterStateHasALabel(t *testing.T) {
	for _, s := range append(outreach.States, "released") {
		require.NotEqual(t, s, vocab.LetterStateLabel(s), s)
	}
}
