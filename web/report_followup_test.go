package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/reports"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestElectionAndPartyReportsAndDraftOnDemand(t *testing.T) {
	t.Parallel()
	env, election := reportsEnv(t, 300, "5000")
	ctx := context.Background()
	svc, err := outreach.NewService(env.Pool, outreach.Settings{}, nil, fixture.InsertOnlyJobs(t, env.Pool))
	require.NoError(t, err)
	_, err = svc.Seed(ctx)
	require.NoError(t, err)
	// The party with the most complaints among those with a complaint
	// triage found out of scope: the election report counts every
	// complaint naming it, the party's report leaves the out-of-scope ones
	// out and says how many there were.
	var partyID int64
	var partyName string
	var total, outOfScope int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT p.id, p.name, count(*), count(*) FILTER (WHERE t.out_of_scope)
		FROM complaints c JOIN parties p ON p.id = c.party_id LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
		WHERE c.election_id = $1 GROUP BY 1, 2 ORDER BY count(*) FILTER (WHERE t.out_of_scope) > 0 DESC, 3 DESC, 1 LIMIT 1`, election).Scan(&partyID, &partyName, &total, &outOfScope))
	require.Positive(t, outOfScope)
	var secrets []string
	rows, err := env.Pool.Query(ctx, `SELECT cp.name, cp.email, cp.phone FROM complainants cp JOIN complaints c ON c.id = cp.complaint_id WHERE c.election_id = $1`, election)
	require.NoError(t, err)
	for rows.Next() {
		var n, e, p string
		require.NoError(t, rows.Scan(&n, &e, &p))
		secrets = append(secrets, n, e, p, strings.ReplaceAll(p, " ", ""))
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, secrets)

	pol := env.SignedIn(staff.RolePoliticalTeam)
	res := pol.Get(fmt.Sprintf("/staff/reports/elections/%d", election))
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, fmt.Sprintf(`<th scope="row">%s</th><td>%d</td><td>%d</td><td>%d</td>`, templateEscape(partyName), total, outOfScope, total-outOfScope))
	require.Contains(t, body, "Draft follow-up letters now")
	require.NotContains(t, body, "Most engaged provision")
	def := reports.DefaultReplyBy(time.Now())
	require.Contains(t, body, fmt.Sprintf(`name="reply_by-day" type="text" inputmode="numeric" value="%d"`, def.Day()), "the reply date starts at the default")

	res = pol.Get(fmt.Sprintf("/staff/reports/elections/%d/parties/%d", election, partyID))
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, fmt.Sprintf(`We received %d complaints about %s.`, total-outOfScope, templateEscape(partyName)))
	require.Contains(t, body, "naming "+templateEscape(partyName))
	require.Contains(t, body, "other bodies deal with")
	require.Contains(t, body, "What we ask you to do")
	require.Contains(t, body, "of the Privacy and Electronic Communications Regulations 2003")
	// What the party reads (everything but the staff footnote) has no
	// internal code.
	partyPart := body[strings.Index(body, "<h1>"):strings.Index(body, "For staff:")]
	for _, code := range []string{"PECR-", "UKGDPR-", ">G1<", " G4 ", "referred_to_investigations", "investigation", "Closed:", "Open:"} {
		require.NotContains(t, partyPart, code)
	}
	require.Contains(t, body, `class="report-example"`)
	for _, s := range secrets {
		require.NotContains(t, body, templateEscape(s))
	}

	res = pol.Get(fmt.Sprintf("/staff/reports/elections/%d/parties/%d.pdf", election, partyID))
	pdf, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, "application/pdf", res.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(string(pdf), "%PDF-"))
	var audited int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'report.follow_up.download'`).Scan(&audited))
	require.Equal(t, 1, audited)

	// Analysts read reports but cannot draft letters; the team can, once.
	res = env.SignedIn(staff.RoleAnalyst).PostForm(fmt.Sprintf("/staff/reports/elections/%d/follow-up", election), url.Values{})
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	// The reply date: every problem beside the field, nothing drafted.
	path := fmt.Sprintf("/staff/reports/elections/%d/follow-up", election)
	today := time.Now().In(vocab.London)
	for _, tc := range []struct {
		day, month, year, want string
	}{
		{"", "", "", "Enter the date you want the parties to reply by"},
		{"3", "", "", "The reply date must include a month and a year"},
		{"31", "2", "2030", "The reply date must be a real date"},
		{"x", "2", "2030", "The reply date must be a real date"},
		{strconv.Itoa(today.Day()), strconv.Itoa(int(today.Month())), strconv.Itoa(today.Year()), "The reply date must be in the future"},
	} {
		res = pol.PostForm(path, url.Values{"reply_by-day": {tc.day}, "reply_by-month": {tc.month}, "reply_by-year": {tc.year}})
		body = webtest.ReadBody(res)
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, tc.want)
		require.Contains(t, body, `<a href="#reply_by">`+templateEscape(tc.want), "in the error summary")
		require.Contains(t, body, `<p id="reply_by-error" class="error-message"><span class="visually-hidden">Error:</span> `+templateEscape(tc.want), "beside the field")
		require.Contains(t, body, fmt.Sprintf(`id="reply_by-month" name="reply_by-month" type="text" inputmode="numeric" value="%s"`, tc.month), "what was typed is kept")
	}
	requireNoFollowUpBatch(t, env, election)
	replyBy := today.AddDate(0, 0, 40)
	res = pol.PostForm(path, url.Values{"reply_by-day": {strconv.Itoa(replyBy.Day())}, "reply_by-month": {strconv.Itoa(int(replyBy.Month()))}, "reply_by-year": {strconv.Itoa(replyBy.Year())}})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	var stored time.Time
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT reply_by FROM letter_batches WHERE election_id = $1 AND kind = 'follow_up'`, election).Scan(&stored))
	require.Equal(t, replyBy.Format(time.DateOnly), stored.Format(time.DateOnly))
	var batches, letters, parties int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(DISTINCT b.id), count(l.id), count(DISTINCT l.party_id) FROM letter_batches b JOIN letters l ON l.batch_id = b.id
		WHERE b.election_id = $1 AND b.kind = 'follow_up' AND b.state = 'held' AND l.attachment IS NOT NULL`, election).Scan(&batches, &letters, &parties))
	require.Equal(t, 1, batches)
	require.Positive(t, letters)
	var withComplaints int
	// A party is written to about complaints other than those another
	// body handles.
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(DISTINCT c.party_id) FROM complaints c WHERE c.election_id = $1
		AND EXISTS (SELECT 1 FROM party_contacts pc WHERE pc.party_id = c.party_id AND pc.active)
		AND NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current AND t.out_of_scope)`, election).Scan(&withComplaints))
	require.Equal(t, withComplaints, parties)
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'election.follow_up.draft' AND actor = $1`, pol.User.Email).Scan(&audited))
	require.Equal(t, 1, audited)

	res = pol.Get(fmt.Sprintf("/staff/reports/elections/%d", election))
	body = webtest.ReadBody(res)
	require.NotContains(t, body, "Draft follow-up letters now")
	require.Contains(t, body, "Review, release or cancel them")
	require.Contains(t, body, "The parties are asked to reply by "+vocab.FormatDate(replyBy, "en"))
	res = pol.PostForm(path, url.Values{"reply_by-day": {strconv.Itoa(replyBy.Day())}, "reply_by-month": {strconv.Itoa(int(replyBy.Month()))}, "reply_by-year": {strconv.Itoa(replyBy.Year())}})
	res.Body.Close()
	require.Equal(t, http.StatusConflict, res.StatusCode)
}

func requireNoFollowUpBatch(t *testing.T, env *webtest.Env, election int64) {
	t.Helper()
	var n int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM letter_batches WHERE election_id = $1 AND kind = 'follow_up'`, election).Scan(&n))
	require.Zero(t, n)
}
