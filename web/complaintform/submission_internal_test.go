package complaintform

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/web/internal/i18n"
)

// The draft's answers reach complaints.Submission as its fields, and only
// those the channel asks (complaints.Asks): the form and the API agree.
func TestSubmissionCarriesTheStructuredFacts(t *testing.T) {
	d := &complaintDraft{Channel: vocab.ChannelSMS, Contacted: "07700 900123", WorkAddress: "no", Member: "yes",
		OptedOut: "yes", StopDay: "4", StopMonth: "7", StopYear: "2024",
		// Answers to another channel's questions, left from before a
		// change of channel, are not sent.
		BreachWhere: "group_chat", BreachExposed: []string{"phone_number"}}
	sub := d.submission(i18n.English)
	require.Equal(t, "07700 900123", sub.Contacted)
	require.NotNil(t, sub.WorkAddress)
	require.False(t, *sub.WorkAddress)
	require.NotNil(t, sub.Member)
	require.True(t, *sub.Member)
	require.NotNil(t, sub.AskedToStopOn)
	require.Equal(t, time.Date(2024, 7, 4, 0, 0, 0, 0, vocab.London), *sub.AskedToStopOn)
	require.Empty(t, sub.BreachWhere)
	require.Empty(t, sub.BreachExposed)

	// "Not sure" is no answer; the day is not sent without a "yes" to
	// having asked them to stop.
	d.WorkAddress, d.Member, d.OptedOut = "unsure", "unsure", "no"
	sub = d.submission(i18n.English)
	require.Nil(t, sub.WorkAddress)
	require.Nil(t, sub.Member)
	require.Nil(t, sub.AskedToStopOn)

	b := &complaintDraft{Channel: vocab.ChannelDataBreach, BreachWhere: "group_chat",
		BreachExposed: []string{"phone_number", "party_membership"}, RecipientsVisible: "2,400",
		Contacted: "07700 900123", Member: "yes"}
	sub = b.submission(i18n.Welsh)
	require.Equal(t, "group_chat", sub.BreachWhere)
	require.Equal(t, []string{"phone_number", "party_membership"}, sub.BreachExposed)
	require.NotNil(t, sub.RecipientsVisible)
	require.Equal(t, 2400, *sub.RecipientsVisible)
	require.Empty(t, sub.Contacted)
	require.Nil(t, sub.Member)
}

// The steps follow the channel and the answers.
func TestStepsFollowTheChannel(t *testing.T) {
	d := &complaintDraft{Channel: vocab.ChannelDataBreach}
	require.Equal(t, []string{stepChannel, stepSender, stepMessage, stepBreachWhere, stepBreachCount, stepBreachExposed,
		stepPermission, stepParty, stepEvidence, stepAbout}, d.steps())
	d = &complaintDraft{Channel: vocab.ChannelLiveCall}
	require.Equal(t, []string{stepChannel, stepSender, stepMessage, stepContacted, stepPermission, stepParty, stepEvidence, stepAbout}, d.steps())
	d.OptedOut = "yes"
	require.Equal(t, []string{stepChannel, stepSender, stepMessage, stepContacted, stepPermission, stepStopped, stepParty, stepEvidence, stepAbout}, d.steps())
	d = &complaintDraft{Channel: vocab.ChannelSocialMediaAd}
	require.Equal(t, []string{stepChannel, stepSender, stepMessage, stepParty, stepEvidence, stepAbout}, d.steps())
	d = &complaintDraft{Channel: vocab.ChannelBCCBreach}
	require.True(t, d.countOnMessagePage(), "a BCC email's count stays beside the email")
	require.Equal(t, stepMessage, d.stepOfFieldFor("recipients_visible"))
	d.Channel = vocab.ChannelDataBreach
	require.Equal(t, stepBreachCount, d.stepOfFieldFor("recipients_visible"))
}

// The day they asked the sender to stop is read the GOV.UK way.
func TestStoppedOn(t *testing.T) {
	now := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		day, month, year, field, code string
	}{
		{"", "", "", "", ""},
		{"4", "7", "2024", "", ""},
		{"28", "11", "2026", "", ""},
		{"29", "11", "2026", stopField, "future"},
		{"", "7", "2024", stopField, "missing_day"},
		{"4", "", "", stopField + "-month", "missing_month_year"},
		{"4", "7", "", stopField + "-year", "missing_year"},
		{"4", "7", "202", stopField + "-year", "year_digits"},
		{"29", "2", "2023", stopField, "invalid"},
		{"x", "7", "2024", stopField, "invalid"},
		{"4", "7", "1999", stopField, "too_old"},
	} {
		d := &complaintDraft{Channel: vocab.ChannelSMS, OptedOut: "yes", StopDay: c.day, StopMonth: c.month, StopYear: c.year}
		errs := validateStep(i18n.English, stepStopped, d, now)
		if c.code == "" {
			require.Empty(t, errs, "%+v", c)
			continue
		}
		require.Len(t, errs, 1, "%+v", c)
		require.Equal(t, c.field, errs[0].Field, "%+v", c)
		require.Equal(t, c.code, errs[0].Code, "%+v", c)
		require.True(t, hasMessage("err."+stopField+"."+c.code), c.code)
	}
}
