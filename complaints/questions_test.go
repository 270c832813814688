package complaints_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// The channel-specific questions, as the form has always asked them.
func TestWhichQuestionsEachChannelAsks(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"sms":             {"consent", "opted_out", "sender_identified", "opt_out_offered"},
		"email":           {"consent", "opted_out", "sender_identified", "opt_out_offered"},
		"automated_call":  {"consent", "opted_out", "tps_registered", "sender_identified"},
		"live_call":       {"consent", "opted_out", "tps_registered", "sender_identified"},
		"bcc_breach":      {"consent", "opted_out", "recipients_visible", "special_category"},
		"data_breach":     {"consent", "opted_out", "recipients_visible", "special_category"},
		"social_media_ad": {"targeting_reason", "special_category"},
		"other":           {"consent", "opted_out"},
	}
	all := []string{"consent", "opted_out", "tps_registered", "sender_identified", "opt_out_offered",
		"recipients_visible", "targeting_reason", "special_category"}
	for _, ch := range vocab.ChannelCodes() {
		var asked []string
		for _, q := range all {
			if complaints.Asks(ch, q) {
				asked = append(asked, q)
			}
		}
		require.Equal(t, want[ch], asked, ch)
		require.True(t, complaints.Asks(ch, "message"), "questions every channel asks")
	}
}

func fieldCodes(err error) map[string]string {
	out := map[string]string{}
	for _, fe := range apperr.FieldsOf(err) {
		out[fe.Field] = fe.Code
	}
	return out
}

func TestNormalizeAppliesTheChannelsQuestions(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	yes := true
	base := func(channel string) complaints.Submission {
		return complaints.Submission{Channel: channel, ReceivedAt: now.Add(-time.Hour), ReceivedAtHasTime: true,
			Message: "Vote for us", Consent: "no", Source: "api"}
	}

	// A TPS answer on an email is removed and refused, naming the field.
	s := base("email")
	s.TPSRegistered = &yes
	s.Normalize()
	require.Nil(t, s.TPSRegistered)
	err := s.Validate(now)
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "%v", err)
	require.Equal(t, map[string]string{"tps_registered": "not_asked"}, fieldCodes(err))
	require.Contains(t, apperr.FieldsOf(err)[0].Message, "automated_call, live_call")

	// A call asks it.
	s = base("live_call")
	s.TPSRegistered = &yes
	s.Normalize()
	require.NotNil(t, s.TPSRegistered)
	require.NoError(t, s.Validate(now))

	// An advert says nothing about identifying the sender or offering an
	// opt-out, nor does a call offer an unsubscribe link.
	s = base("social_media_ad")
	s.SenderIdentified, s.OptOutOffered = &yes, &yes
	s.Normalize()
	require.Equal(t, map[string]string{"sender_identified": "not_asked", "opt_out_offered": "not_asked"}, fieldCodes(s.Validate(now)))
	s = base("automated_call")
	s.OptOutOffered = &yes
	s.Normalize()
	require.Equal(t, map[string]string{"opt_out_offered": "not_asked"}, fieldCodes(s.Validate(now)))

	// Answers about the person's dealings with the sender and about the
	// message are kept from any channel: they are still true.
	s = base("social_media_ad")
	s.OptedOut = &yes
	s.Normalize()
	require.NoError(t, s.Validate(now))
	require.Equal(t, "no", s.Consent)
	require.NotNil(t, s.OptedOut)
	s = base("sms")
	s.TargetingReason, s.SpecialCategory = "They knew my age", &yes
	s.Normalize()
	require.NoError(t, s.Validate(now))
	require.Equal(t, "They knew my age", s.TargetingReason)

	// Normalising twice (the API normalises, then Submit does) keeps the refusal.
	s = base("email")
	s.TPSRegistered = &yes
	s.Normalize()
	s.Normalize()
	require.Equal(t, map[string]string{"tps_registered": "not_asked"}, fieldCodes(s.Validate(now)))

	// An unknown channel is refused as such, not question by question.
	s = base("fax")
	s.TPSRegistered = &yes
	s.Normalize()
	require.Equal(t, map[string]string{"channel": "invalid"}, fieldCodes(s.Validate(now)))
}

// Imports apply the same rule: a TPS answer on an email row is an error
// in that row's tps_registered column.
func TestImportAppliesTheChannelsQuestions(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	file := "source_id,channel,received_at,sender,message,tps_registered\n" +
		"Q1,live_call,2024-03-27,01632 960001,Hello,yes\n" +
		"Q2,email,2024-03-27,news@example.org,Vote now,yes\n"
	header, rows, err := complaints.ReadImportFile("questions.csv", []byte(file))
	require.NoError(t, err)
	rep, err := e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "phone-line"})
	require.NoError(t, err)
	require.False(t, rep.Stored)
	require.Equal(t, 1, rep.Invalid)
	require.Len(t, rep.Errors, 1, "%+v", rep.Errors)
	require.Equal(t, 3, rep.Errors[0].Row)
	require.Equal(t, "tps_registered", rep.Errors[0].Column)

	rep, err = e.svc.Import(ctx, header, rows, complaints.ImportOptions{Source: "phone-line", SkipInvalid: true})
	require.NoError(t, err)
	require.Equal(t, 1, rep.Created)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM complaints WHERE source = 'phone-line' AND tps_registered`))
	require.Equal(t, 0, e.count(t, `SELECT count(*) FROM complaints WHERE channel = 'email'`))
}
