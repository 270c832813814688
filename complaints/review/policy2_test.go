package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
	voterID.Description = "I was turned away at the polling station because I did not have voter ID"
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
	require.Zero(t, b.count(t, `SELECT count(*) FROM triage_results WHERE rationale::text LIKE '%07700 900555%' OR context::text LIKE '%07700 900555%'`),
		"the contacted number never reaches a result")
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.triage' AND object_id = $1
		AND summary::text LIKE '%electoral_registration%'`, rcVoter.Reference))
}
