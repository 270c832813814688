package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/reports"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// policy2Complaints stores a complaint whose triage found a text and a
// call, with the Policy 2 answers and the number the sender contacted,
// and an out-of-scope scam referred to Action Fraud.
func policy2Complaints(t *testing.T, env *webtest.Env) (two, scam complaints.Receipt) {
	t.Helper()
	f := fixture.New(t, env.Pool)
	two = f.Complaint(func(s *complaints.Submission) {
		s.Complainant = &complaints.Complainant{Name: "Ann Example", Email: "ann@example.org"}
	})
	ctx := context.Background()
	_, err := env.Pool.Exec(ctx, `UPDATE complaints SET member = false, work_address = true, asked_to_stop_on = '2026-11-02',
		breach_where = 'group_chat', breach_exposed = '{phone_number,party_membership}' WHERE id = $1`, two.ComplaintID)
	require.NoError(t, err)
	_, err = env.Pool.Exec(ctx, `UPDATE complainants SET contacted = '07700 900555' WHERE complaint_id = $1`, two.ComplaintID)
	require.NoError(t, err)
	f.TriageResult(two.ComplaintID, triage.Result{Channel: vocab.ChannelLiveCall, Channels: []string{vocab.ChannelSMS, vocab.ChannelLiveCall},
		Provisions: []string{"PECR-21"}, Rationale: []string{`Channel live_call: read from the description: "a man rang me".`}})
	scam = f.Complaint()
	f.TriageResult(scam.ComplaintID, triage.Result{Channels: []string{vocab.ChannelSMS}, Referral: "action_fraud"})
	return two, scam
}

func getJSON(t *testing.T, env *webtest.Env, token, path string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, env.Server.URL+path, nil)
	res := env.Anonymous().Do(req, token)
	defer res.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	return res.StatusCode, out
}

func TestComplaintsAPIShowsChannelsAndReferrals(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	two, scam := policy2Complaints(t, env)
	officer, _ := env.Token(staff.RoleTriageOfficer)
	analyst, _ := env.Token(staff.RoleAnalyst)

	status, page := getJSON(t, env, analyst, "/api/v1/complaints?channel=live_call")
	require.Equal(t, http.StatusOK, status, page)
	items := page["items"].([]any)
	require.Len(t, items, 1, "channel X means reports X")
	it := items[0].(map[string]any)
	require.Equal(t, two.Reference, it["reference"])
	require.Equal(t, []any{"sms", "live_call"}, it["channels"])
	require.Equal(t, false, it["out_of_scope"])
	require.Nil(t, it["referral"])

	_, page = getJSON(t, env, analyst, "/api/v1/complaints?referral=action_fraud")
	items = page["items"].([]any)
	require.Len(t, items, 1)
	it = items[0].(map[string]any)
	require.Equal(t, scam.Reference, it["reference"])
	require.Equal(t, true, it["out_of_scope"])
	require.Equal(t, "action_fraud", it["referral"])
	_, page = getJSON(t, env, analyst, "/api/v1/complaints?referral=any")
	require.Len(t, page["items"], 1)
	status, page = getJSON(t, env, analyst, "/api/v1/complaints?referral=somewhere")
	require.Equal(t, http.StatusUnprocessableEntity, status, page)

	// The detail: the answers, the current result's channels and
	// rationale; the contacted number only for a role that sees the
	// complainant.
	status, d := getJSON(t, env, officer, "/api/v1/complaints/"+two.Reference)
	require.Equal(t, http.StatusOK, status, d)
	require.Equal(t, []any{"sms", "live_call"}, d["channels"])
	require.Equal(t, false, d["member"])
	require.Equal(t, true, d["work_address"])
	require.Equal(t, "group_chat", d["breach_where"])
	require.Equal(t, []any{"phone_number", "party_membership"}, d["breach_exposed"])
	require.NotNil(t, d["asked_to_stop_on"])
	require.Equal(t, "07700 900555", d["contacted"])
	tr := d["triage"].(map[string]any)
	require.Equal(t, "live_call", tr["channel"])
	require.Equal(t, []any{`Channel live_call: read from the description: "a man rang me".`}, tr["rationale"])

	_, d = getJSON(t, env, analyst, "/api/v1/complaints/"+two.Reference)
	require.NotContains(t, d, "contacted", "an analyst does not see the complainant's own details")
	require.NotContains(t, d, "complainant")
	require.Equal(t, true, d["work_address"])

	_, d = getJSON(t, env, analyst, "/api/v1/complaints/"+scam.Reference)
	require.Equal(t, true, d["out_of_scope"])
	require.Equal(t, "action_fraud", d["referral"])
}

func TestStaffPagesShowPolicy2(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	two, scam := policy2Complaints(t, env)
	officer := env.SignedIn(staff.RoleTriageOfficer)
	analyst := env.SignedIn(staff.RoleAnalyst)

	body := webtest.ReadBody(officer.Get("/staff/complaints/" + two.Reference))
	for _, want := range []string{
		"Text message, Live call (main: Live call)",
		"In a group chat (for example WhatsApp or Messenger)",
		"My phone number", "That I am a member or supporter of a party or campaign",
		"2 November 2026", "Sent to a work number or address",
		"read from the description: &#34;a man rang me&#34;.",
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, "07700 900555", "the contacted number only once the complainant's details are asked for")
	require.NotContains(t, body, "party_membership", "labels, not codes")
	body = webtest.ReadBody(officer.Get("/staff/complaints/" + two.Reference + "?complainant=show"))
	require.Contains(t, body, "07700 900555")
	body = webtest.ReadBody(analyst.Get("/staff/complaints/" + two.Reference + "?complainant=show"))
	require.NotContains(t, body, "07700 900555")

	body = webtest.ReadBody(analyst.Get("/staff/complaints/" + scam.Reference))
	require.Contains(t, body, "Out of scope — referred to Action Fraud")
	body = webtest.ReadBody(officer.Get("/staff/triage/" + scam.Reference))
	require.Contains(t, body, "Out of scope — referred to Action Fraud")

	// The list and the queue filter by referral and show every channel.
	res := officer.Get("/staff/complaints?referral=action_fraud")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, scam.Reference)
	require.NotContains(t, body, two.Reference)
	require.Contains(t, body, "Referred to: Action Fraud")
	body = webtest.ReadBody(officer.Get("/staff/complaints?channel=live_call"))
	require.Contains(t, body, two.Reference)
	require.NotContains(t, body, scam.Reference)
	require.Contains(t, body, "Text message, Live call")
	body = webtest.ReadBody(officer.Get("/staff/triage?referral=any"))
	require.Contains(t, body, scam.Reference)
	require.NotContains(t, body, two.Reference)
	body = webtest.ReadBody(officer.Get("/staff/triage?channel=live_call"))
	require.Contains(t, body, two.Reference)
	require.NotContains(t, body, scam.Reference)
	res = officer.Get("/staff/triage?referral=nowhere")
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	res.Body.Close()
}

// The staff detail names the priority, the status and each provision in
// words; the API writes the day they asked the sender to stop as a day.
// A complainant who gave only the number the sender contacted gave no
// details of their own, and the number is still shown where the
// complainant's details are.
func TestStaffDetailInWordsAndAnonymousContacted(t *testing.T) {
	t.Parallel()
	env := webtest.New(t, webtest.Options{})
	two, _ := policy2Complaints(t, env)
	officer := env.SignedIn(staff.RoleTriageOfficer)
	analyst := env.SignedIn(staff.RoleAnalyst)
	token, _ := env.Token(staff.RoleTriageOfficer)

	body := webtest.ReadBody(officer.Get("/staff/complaints/" + two.Reference))
	require.Contains(t, body, "Triaged, Medium priority")
	require.Contains(t, body, "<dd>Medium (score 40)</dd>")
	require.Contains(t, body, "<li>"+reports.CodeTitle("PECR-21")+" (PECR-21)</li>")
	require.NotContains(t, body, ">PECR-21<")
	require.NotContains(t, body, ">medium")

	_, d := getJSON(t, env, token, "/api/v1/complaints/"+two.Reference)
	require.Equal(t, "2026-11-02", d["asked_to_stop_on"])

	f := fixture.New(t, env.Pool)
	anon := f.Complaint(func(s *complaints.Submission) { s.Contacted = "07700 900557" })
	body = webtest.ReadBody(officer.Get("/staff/complaints/" + anon.Reference))
	require.NotContains(t, body, "The complainant gave their details")
	require.Contains(t, body, "The complainant gave no details about themselves, only the number or address the sender contacted.")
	require.Contains(t, body, "Show the number or address")
	require.NotContains(t, body, "07700 900557")
	body = webtest.ReadBody(officer.Get("/staff/complaints/" + anon.Reference + "?complainant=show"))
	require.Contains(t, body, "07700 900557")
	require.NotContains(t, body, "<dt>Name</dt>")
	body = webtest.ReadBody(analyst.Get("/staff/complaints/" + anon.Reference + "?complainant=show"))
	require.NotContains(t, body, "07700 900557")
	require.Contains(t, body, "Only administrators and triage officers can see it.")

	_, d = getJSON(t, env, token, "/api/v1/complaints/"+anon.Reference)
	require.Equal(t, false, d["has_complainant"])
	require.Equal(t, true, d["has_contacted"])
}
