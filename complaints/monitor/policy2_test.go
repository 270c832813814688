package monitor_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/monitor"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// Complaints triage found out of scope (a wave of scam texts pretending to
// be a party, referred to Action Fraud) are not the party's: they neither
// raise a surge alert against it nor swell the baseline a real surge is
// measured against, and the digest counts them on a line of their own.
func TestOutOfScopeComplaintsAreNotThePartys(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.URL())
	require.NoError(t, err)
	// No workers: the complaints' triage results are the test's own.
	mon := monitor.New(pool, monitor.Settings{AlertMin: 5, MailFrom: "cw@example.org", BaseURL: "http://cw.test"})
	reg := jobs.NewRegistry()
	monitor.RegisterWorkers(reg, mon, sender)
	client, err := jobs.NewClient(pool, reg, jobs.Options{})
	require.NoError(t, err)
	ctx := rivertest.WorkContext(context.Background(), client)

	f := fixture.New(t, pool)
	party := f.Party(fixture.PartyName("Example Party"), fixture.PartyNations(vocab.NationEngland))
	f.Election(fixture.ElectionName("Test general election"), fixture.ElectionType("general", "england"), fixture.ElectionDays(-20, 10))
	f.User(fixture.UserEmail("pol1@example.org"), fixture.UserRole(staff.RolePoliticalTeam))
	now := time.Now()
	text := func(at time.Time, scam bool) {
		t.Helper()
		rc := f.Complaint(func(s *complaints.Submission) { s.PartyID, s.ReceivedAt = &party.ID, at })
		if scam {
			f.TriageResult(rc.ComplaintID, triage.Result{Channels: []string{vocab.ChannelSMS}, Referral: "action_fraud"})
		}
	}

	// A quiet week of one real text a day, then six scams in a day:
	// counted, they would be a surge (6 ≥ 5 and ≥ 3 × 1).
	for d := 1; d <= 7; d++ {
		text(now.Add(-time.Duration(d)*24*time.Hour-time.Hour), false)
	}
	for i := range 6 {
		text(now.Add(-time.Duration(i+1)*time.Minute), true)
	}
	raised, err := mon.Check(ctx, now)
	require.NoError(t, err)
	require.Empty(t, raised, "scams pretending to be the party raise no alert against it")

	// Two scams a day in the week before: counted, the baseline would be
	// three a day and six real texts no surge (6 < 3 × 3).
	for d := 1; d <= 7; d++ {
		for range 2 {
			text(now.Add(-time.Duration(d)*24*time.Hour-2*time.Hour), true)
		}
	}
	for i := range 6 {
		text(now.Add(-time.Duration(i+10)*time.Minute), false)
	}
	raised, err = mon.Check(ctx, now)
	require.NoError(t, err)
	require.Len(t, raised, 1)
	require.Equal(t, vocab.ChannelSMS, raised[0].Channel)
	require.Equal(t, 6, raised[0].Count, "the real texts only")
	require.InDelta(t, 1.0, raised[0].Mean, 0.01, "the baseline leaves out the scams")

	// The digest (every complaint was written just now): the party's
	// line counts its 13 real texts; the 20 scams have a line of their own.
	sent, err := mon.SendDigests(ctx, time.Now())
	require.NoError(t, err)
	require.Len(t, sent, 1)
	body := sent[0].Body
	require.Contains(t, body, "NEW COMPLAINTS IN THE LAST 24 HOURS: 33\n")
	require.Contains(t, body, "- Example Party, "+vocab.ChannelPlural(vocab.ChannelSMS)+": 13\n")
	require.Contains(t, body, "- 20 out of scope, referred elsewhere\n")
}
