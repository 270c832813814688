package complaints_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// "Channel X" in the staff list means "reports X": any channel of the
// current triage result, or the stated channel while there is none. The
// referral filter finds out-of-scope complaints by where they were sent.
func TestListFiltersByReportedChannelAndReferral(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	f := fixture.New(t, pool)
	svc := complaints.NewService(pool, fixture.InsertOnlyJobs(t, pool))
	ctx := context.Background()

	two := f.Complaint() // stated sms
	f.TriageResult(two.ComplaintID, triage.Result{Channel: vocab.ChannelLiveCall, Channels: []string{vocab.ChannelSMS, vocab.ChannelLiveCall}})
	untriaged := f.Complaint(func(s *complaints.Submission) { s.Channel = vocab.ChannelEmail })
	// Stated as an email, but triage found only a text: it reports sms.
	restated := f.Complaint(func(s *complaints.Submission) { s.Channel = vocab.ChannelEmail })
	f.TriageResult(restated.ComplaintID, triage.Result{Channels: []string{vocab.ChannelSMS}})
	scam := f.Complaint()
	f.TriageResult(scam.ComplaintID, triage.Result{Channels: []string{vocab.ChannelSMS}, Referral: "action_fraud"})
	voter := f.Complaint(func(s *complaints.Submission) { s.Channel = vocab.ChannelOther })
	f.TriageResult(voter.ComplaintID, triage.Result{Channel: vocab.ChannelOther, Channels: []string{}, Referral: "electoral_registration"})

	refs := func(fl complaints.Filter) []string {
		t.Helper()
		p, err := svc.List(ctx, fl)
		require.NoError(t, err)
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Reference)
		}
		return out
	}
	require.ElementsMatch(t, []string{two.Reference}, refs(complaints.Filter{Channel: vocab.ChannelLiveCall}))
	require.ElementsMatch(t, []string{two.Reference, restated.Reference, scam.Reference}, refs(complaints.Filter{Channel: vocab.ChannelSMS}))
	require.ElementsMatch(t, []string{untriaged.Reference}, refs(complaints.Filter{Channel: vocab.ChannelEmail}),
		"the stated channel counts only until triage has spoken")
	require.ElementsMatch(t, []string{voter.Reference}, refs(complaints.Filter{Channel: vocab.ChannelOther}))
	require.ElementsMatch(t, []string{scam.Reference}, refs(complaints.Filter{Referral: "action_fraud"}))
	require.ElementsMatch(t, []string{scam.Reference, voter.Reference}, refs(complaints.Filter{OutOfScope: true}))
	require.Empty(t, refs(complaints.Filter{Referral: "ofcom"}))
	require.Empty(t, refs(complaints.Filter{Referral: "action_fraud", Channel: vocab.ChannelLiveCall}))

	p, err := svc.List(ctx, complaints.Filter{Channel: vocab.ChannelLiveCall})
	require.NoError(t, err)
	it := p.Items[0]
	require.Equal(t, []string{vocab.ChannelSMS, vocab.ChannelLiveCall}, it.Channels)
	require.Equal(t, []string{"Text message", "Live call"}, it.ChannelLabels())
	require.False(t, it.OutOfScope)
	require.Nil(t, it.Referral)
	require.Empty(t, it.ReferralLabel())

	p, err = svc.List(ctx, complaints.Filter{Referral: "action_fraud"})
	require.NoError(t, err)
	require.True(t, p.Items[0].OutOfScope)
	require.Equal(t, "Out of scope — referred to Action Fraud", p.Items[0].ReferralLabel())

	p, err = svc.List(ctx, complaints.Filter{Channel: vocab.ChannelEmail})
	require.NoError(t, err)
	require.Equal(t, []string{vocab.ChannelEmail}, p.Items[0].Channels, "untriaged: the stated channel")
}

// The detail holds the structured answers, the current result's channels,
// referral and rationale, and the contacted number only with the
// complainant's details.
func TestDetailShowsPolicy2Answers(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	f := fixture.New(t, pool)
	svc := complaints.NewService(pool, fixture.InsertOnlyJobs(t, pool))
	ctx := context.Background()

	rc := f.Complaint(func(s *complaints.Submission) {
		s.Complainant = &complaints.Complainant{Name: "Ann Example", Email: "ann@example.org"}
	})
	stop := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	_, err := pool.Exec(ctx, `UPDATE complaints SET member = true, work_address = false, asked_to_stop_on = $2,
		breach_where = 'group_chat', breach_exposed = '{phone_number,party_membership}' WHERE id = $1`, rc.ComplaintID, stop)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE complainants SET contacted = '07700 900555' WHERE complaint_id = $1`, rc.ComplaintID)
	require.NoError(t, err)

	d, err := svc.Get(ctx, rc.Reference, false)
	require.NoError(t, err)
	require.Nil(t, d.Triage)
	require.Equal(t, []string{vocab.ChannelSMS}, d.Channels, "untriaged: the stated channel")
	require.Equal(t, true, *d.Member)
	require.Equal(t, false, *d.WorkAddress)
	require.True(t, d.AskedToStopOn.Equal(stop))
	require.Equal(t, "In a group chat (for example WhatsApp or Messenger)", d.BreachWhereLabel())
	require.Equal(t, []string{"My phone number", "That I am a member or supporter of a party or campaign"}, d.BreachExposedLabels())
	require.Empty(t, d.Contacted, "only with the complainant's details")

	rationale := []string{`Channel sms: stated by the complainant.`, `Channel live_call: read from the description: "a man rang me".`}
	f.TriageResult(rc.ComplaintID, triage.Result{Channels: []string{vocab.ChannelSMS, vocab.ChannelLiveCall}, Rationale: rationale})
	d, err = svc.Get(ctx, rc.Reference, true)
	require.NoError(t, err)
	require.NotNil(t, d.Triage)
	require.Equal(t, []string{vocab.ChannelSMS, vocab.ChannelLiveCall}, d.Triage.Channels)
	require.Equal(t, d.Triage.Channels, d.Channels)
	require.Equal(t, rationale, d.Triage.Rationale, "the rationale's lines as they are")
	require.Equal(t, "07700 900555", d.Contacted)
	require.NotNil(t, d.Complainant)
}

// A complaint whose complainant gave only the number the sender contacted
// is anonymous: the detail does not say they gave their details, and the
// number is still shown, with the complainant's permission and audited.
// The API writes the day they asked the sender to stop as a day.
func TestDetailOfAnAnonymousComplaintWithTheContactedNumber(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	f := fixture.New(t, pool)
	svc := complaints.NewService(pool, fixture.InsertOnlyJobs(t, pool))
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	stop := time.Date(2026, 7, 1, 0, 0, 0, 0, vocab.London) // summer: 30 June 23:00 UTC
	rc := f.Complaint(func(s *complaints.Submission) {
		yes := true
		s.Contacted, s.OptedOut, s.AskedToStopOn = "07700 900555", &yes, &stop
	})
	d, err := svc.Get(ctx, rc.Reference, false)
	require.NoError(t, err)
	require.False(t, d.HasComplainant, "the contacted number alone is not their details")
	require.True(t, d.HasContacted)
	require.Empty(t, d.Contacted)

	d, err = svc.Get(ctx, rc.Reference, true)
	require.NoError(t, err)
	require.Nil(t, d.Complainant)
	require.Equal(t, "07700 900555", d.Contacted)
	var views int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'complaint.view_complainant' AND object_id = $1`,
		rc.Reference).Scan(&views))
	require.Equal(t, 1, views)

	raw, err := json.Marshal(d)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	require.Equal(t, "2026-07-01", out["asked_to_stop_on"])
	require.Equal(t, false, out["has_complainant"])
	require.Equal(t, rc.Reference, out["reference"], "the other fields as before")

	// With a name as well, they gave their details.
	named := f.Complaint(func(s *complaints.Submission) {
		s.Contacted, s.Complainant = "07700 900556", &complaints.Complainant{Name: "Ann Example"}
	})
	d, err = svc.Get(ctx, named.Reference, false)
	require.NoError(t, err)
	require.True(t, d.HasComplainant)
	require.Nil(t, d.AskedToStopOn)
	raw, err = json.Marshal(d)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"asked_to_stop_on":null`)
}
