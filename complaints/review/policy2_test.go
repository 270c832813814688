package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
)

// The pipeline stores every channel a complaint reports, and whether it is
// out of scope with its referral, with the result.
func TestPipelineStoresChannelsAndReferral(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()

	breach := sms("", "", time.Now().Add(-time.Hour))
	breach.Channel, breach.Sender = vocab.ChannelDataBreach, "Example Party branch"
	breach.Description = "The branch WhatsApp group showed every member's phone number to everyone in it."
	rcBreach := b.submit(t, breach)
	// The structured answers, as intake stores them.
	_, err := b.pool.Exec(ctx, `UPDATE complaints SET breach_where = 'group_chat', breach_exposed = '{phone_number,party_membership}',
		member = true WHERE id = $1`, rcBreach.ComplaintID)
	require.NoError(t, err)

	cc := sms("", "", time.Now().Add(-time.Hour))
	cc.Channel, cc.Sender, cc.Message = vocab.ChannelEmail, "news@example-party.org.uk", "Vote for Example Party on Thursday!"
	cc.Description = "Everyone's addresses were in the CC line, I could see other recipients."
	rcCC := b.submit(t, cc)

	voterID := sms("", "", time.Now().Add(-time.Hour))
	voterID.Channel, voterID.Sender = vocab.ChannelOther, "Polling station"
	// The contacted number is in the account too, where an engine quoting
	// a cue could pick it up.
	voterID.Description = "I was turned away at the polling station because I did not have voter ID. " +
		"My contact number is 07700 900555 if you need it."
	rcVoter := b.submit(t, voterID)
	_, err = b.pool.Exec(ctx, `INSERT INTO complainants (complaint_id, name, email, contacted) VALUES ($1, 'Ann Example', 'ann@example.org', '07700 900555')`,
		rcVoter.ComplaintID)
	require.NoError(t, err)

	for _, id := range []int64{rcBreach.ComplaintID, rcCC.ComplaintID, rcVoter.ComplaintID} {
		out, err := b.pipeline.Triage(ctx, id)
		require.NoError(t, err)
		require.True(t, out.Stored)
	}

	var channel string
	var channels []string
	var outOfScope bool
	var referral *string
	read := func(id int64) {
		t.Helper()
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT channel, channels, out_of_scope, referral FROM triage_results
			WHERE complaint_id = $1 AND is_current`, id).Scan(&channel, &channels, &outOfScope, &referral))
	}
	read(rcBreach.ComplaintID)
	// The primary channel is the engine's choice (its base scores), and is
	// one of the channels stored.
	require.Contains(t, channels, channel)
	require.False(t, outOfScope)
	require.Nil(t, referral)

	read(rcCC.ComplaintID)
	require.ElementsMatch(t, []string{vocab.ChannelEmail, vocab.ChannelBCCBreach}, channels, "the stated channel and the one the text adds")
	require.Contains(t, channels, channel)
	require.False(t, outOfScope)

	read(rcVoter.ComplaintID)
	require.True(t, outOfScope)
	require.NotNil(t, referral)
	require.Equal(t, "electoral_registration", *referral)
	require.Zero(t, b.count(t, `SELECT count(*) FROM triage_results WHERE complaint_id = $1 AND cardinality(provisions) > 0`, rcVoter.ComplaintID),
		"an out-of-scope result engages no provision")
	// The contacted number, in any spacing, never reaches a result (its
	// rationale, context or any other column) or the audit log.
	require.Zero(t, b.count(t, `SELECT count(*) FROM triage_results t WHERE regexp_replace(t::text, '\D', '', 'g') LIKE '%07700900555%'`),
		"the contacted number never reaches a result")
	require.Equal(t, 3, b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.triage'`))
	require.Zero(t, b.count(t, `SELECT count(*) FROM audit_log a WHERE regexp_replace(a::text, '\D', '', 'g') LIKE '%07700900555%'`),
		"nor the audit log")
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.triage' AND object_id = $1
		AND summary::text LIKE '%electoral_registration%'`, rcVoter.Reference))
}

// A result whose out-of-scope flag and referral disagree (an engine bug)
// is stored in scope without a referral, by Record and by BackfillTx,
// instead of failing the insert the database's CHECK would refuse, which
// would leave every complaint of its batch untriaged.
func TestInconsistentScopeIsStoredInScope(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	read := func(id int64) (outOfScope bool, referral *string) {
		t.Helper()
		require.NoError(t, b.pool.QueryRow(ctx, `SELECT out_of_scope, referral FROM triage_results WHERE complaint_id = $1 AND is_current`, id).
			Scan(&outOfScope, &referral))
		return outOfScope, referral
	}
	cases := []triage.Result{
		{OutOfScope: true},
		{Referral: "ofcom"},
		{OutOfScope: true, Referral: "ofcom"},
	}
	var ids []int64
	for i, res := range cases {
		res.Channel, res.Channels, res.Priority, res.Score = vocab.ChannelSMS, []string{vocab.ChannelSMS}, vocab.PriorityLow, 10
		cases[i] = res
		id := b.submit(t, sms("", "", time.Now().Add(-time.Hour))).ComplaintID
		ids = append(ids, id)
		_, err := b.pipeline.Record(ctx, id, res)
		require.NoError(t, err, "%+v", res)
	}
	for i, id := range ids[:2] {
		outOfScope, referral := read(id)
		require.False(t, outOfScope, "%+v", cases[i])
		require.Nil(t, referral, "%+v", cases[i])
	}
	outOfScope, referral := read(ids[2])
	require.True(t, outOfScope)
	require.Equal(t, "ofcom", *referral)

	// Backfilled results, in one transaction.
	var items []review.Backfilled
	ids = nil
	for i := range cases {
		cases[i].RulebookVersion, cases[i].RulebookHash = "2020.1", "backfilled"
		id := b.submit(t, sms("", "", time.Now().Add(-time.Hour))).ComplaintID
		ids = append(ids, id)
		items = append(items, review.Backfilled{ComplaintID: id, Result: &cases[i]})
	}
	tx, err := b.pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	require.NoError(t, b.pipeline.BackfillTx(ctx, tx, items))
	require.NoError(t, tx.Commit(ctx))
	for i, id := range ids[:2] {
		outOfScope, referral := read(id)
		require.False(t, outOfScope, "%+v", cases[i])
		require.Nil(t, referral, "%+v", cases[i])
	}
	outOfScope, referral = read(ids[2])
	require.True(t, outOfScope)
	require.Equal(t, "ofcom", *referral)
}

// Intake's referral (complaints.Submission.TriageComplaint) and the
// pipeline read a complaint the same way, so the referral the complainant
// is shown at once is the one triage later stores. Between them the two
// samples set every field the engine reads (tps_registered and the
// breach's fields are refused of the other channel).
func TestIntakeAndPipelineGiveTheEngineTheSameComplaint(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	at := time.Date(2026, 7, 4, 13, 45, 0, 0, vocab.London)
	stop := time.Date(2026, 6, 30, 0, 0, 0, 0, vocab.London) // summer time: London midnight is 23:00 UTC the day before
	n := 12
	email := sms("", "Vote for us on Thursday! Reply STOP to opt out", at)
	email.Channel, email.Sender = vocab.ChannelEmail, "news@example-party.org.uk"
	email.OptedOut, email.SenderIdentified, email.OptOutOffered = bp(true), bp(true), bp(false)
	email.SpecialCategory, email.Member, email.WorkAddress = bp(true), bp(false), bp(true)
	email.Contacted, email.AskedToStopOn, email.RecipientsVisible = "ann@example.org", &stop, &n
	email.TargetingReason = "my age"
	call := sms("01632 960001", "", at)
	call.Channel, call.TPSRegistered, call.Contacted = vocab.ChannelLiveCall, bp(true), "07700 900982"
	breach := sms("Example Party branch", "", at)
	breach.Channel, breach.BreachWhere, breach.BreachExposed = vocab.ChannelDataBreach, "group_chat", []string{"phone_number", "party_membership"}
	breach.RecipientsVisible, breach.SpecialCategory = &n, bp(false)

	for _, sub := range []complaints.Submission{email, call, breach} {
		rc := b.submit(t, sub)
		sub.Normalize()
		want := sub.TriageComplaint()
		got, err := b.pipeline.TriageInput(ctx, rc.ComplaintID)
		require.NoError(t, err)
		require.True(t, want.ReceivedAt.Time.Equal(got.ReceivedAt.Time))
		require.Equal(t, want.ReceivedAt.DayOnly, got.ReceivedAt.DayOnly)
		want.ReceivedAt, got.ReceivedAt = triage.Date{}, triage.Date{}
		require.Equal(t, want, got, sub.Channel)
		require.Empty(t, want.Contacted, "the contacted number or address is not the engine's")
	}
	got, err := b.pipeline.TriageInput(ctx, b.submit(t, email).ComplaintID)
	require.NoError(t, err)
	require.Equal(t, complaints.TriageDay(stop), got.AskedToStopOn)
	require.Equal(t, 30, got.AskedToStopOn.Time.Day())
}
