package monitor_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/monitor"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

type bundle struct {
	pool    *pgxpool.Pool
	svc     *complaints.Service
	mon     *monitor.Monitor
	smtp    *mailtest.Server
	client  *jobs.Client
	partyID int64
	// jobCtx is the context of a job of the bundle's River client: Check
	// and SendDigests queue the team's messages with the job's client.
	jobCtx context.Context
}

func setup(t *testing.T) *bundle {
	t.Helper()
	pool := testdb.New(t)
	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.URL())
	require.NoError(t, err)
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)
	eng, err := triage.NewEngine(rb)
	require.NoError(t, err)

	b := &bundle{pool: pool, smtp: smtp}
	b.mon = monitor.New(pool, monitor.Settings{MailFrom: "cw@example.org", BaseURL: "http://cw.test", DigestHour: 7})
	reg := jobs.NewRegistry()
	review.Register(reg, review.NewPipeline(pool, eng))
	monitor.RegisterWorkers(reg, b.mon, sender)
	client, err := jobs.NewClient(pool, reg, jobs.Options{Workers: map[string]int{"default": 2, "mail": 2}})
	require.NoError(t, err)
	b.jobCtx = rivertest.WorkContext(context.Background(), client)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })
	b.svc = complaints.NewService(pool, client)
	b.client = client

	f := fixture.New(t, pool)
	b.partyID = f.Party(fixture.PartyName("Example Party"), fixture.PartyNations(vocab.NationEngland)).ID
	f.Election(fixture.ElectionName("Test general election"), fixture.ElectionType("general", "england"), fixture.ElectionDays(-20, 10))
	f.User(fixture.UserEmail("pol1@example.org"), fixture.UserRole(staff.RolePoliticalTeam))
	f.User(fixture.UserEmail("pol2@example.org"), fixture.UserRole(staff.RolePoliticalTeam))
	f.User(fixture.UserEmail("officer@example.org"), fixture.UserRole(staff.RoleTriageOfficer))
	f.User(fixture.UserEmail("gone@example.org"), fixture.UserRole(staff.RolePoliticalTeam), fixture.UserDisabled())
	return b
}

func (b *bundle) robocall(t *testing.T, i int, at time.Time) {
	t.Helper()
	_, err := b.svc.Submit(context.Background(), complaints.Submission{
		Channel: "automated_call", PartyID: &b.partyID, ReceivedAt: at, ReceivedAtHasTime: true,
		Sender: fmt.Sprintf("0113 496 %04d", i), Message: fmt.Sprintf("Recorded message number %d from Example Party", i),
		Consent: "no", Source: "api", Lang: "en",
	}, complaints.Meta{})
	require.NoError(t, err)
}

func (b *bundle) count(t *testing.T, sql string) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), sql).Scan(&n))
	return n
}

func TestBurstRaisesOneAlertAndOneEmailPerTeamMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.jobCtx
	now := time.Now()
	// A quiet week: one a day.
	for d := 1; d <= 7; d++ {
		b.robocall(t, 1000+d, now.Add(-time.Duration(d)*24*time.Hour-time.Hour))
	}
	for i := range 19 {
		b.robocall(t, i, now.Add(-time.Duration(i+1)*time.Minute))
	}
	raised, err := b.mon.Check(ctx, now)
	require.NoError(t, err)
	require.Empty(t, raised, "19 is under the minimum of 20")

	for i := 19; i < 30; i++ {
		b.robocall(t, i, now.Add(-time.Duration(i+1)*time.Minute))
	}
	done := fixture.Subscribe(t, b.client)
	raised, err = b.mon.Check(ctx, now)
	require.NoError(t, err)
	require.Len(t, raised, 1)
	a := raised[0]
	require.Equal(t, "automated_call", a.Channel)
	require.Equal(t, 30, a.Count)
	require.InDelta(t, 1.0, a.Mean, 0.01)

	// Within the cool-down: nothing more, however often it runs.
	for range 3 {
		again, err := b.mon.Check(ctx, now.Add(30*time.Minute))
		require.NoError(t, err)
		require.Empty(t, again)
	}
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM alerts`))

	// One notification job per active political team member, and once
	// both have run there is nothing left to send anything more.
	rivertest.RequireManyInserted(ctx, t, riverpgxv5.New(b.pool), []rivertest.ExpectedJob{
		{Args: monitor.NotifyArgs{}}, {Args: monitor.NotifyArgs{}},
	})
	done.Wait(monitor.NotifyArgs{}.Kind(), 2, 15*time.Second)
	msgs := b.smtp.Messages()
	require.Len(t, msgs, 2, "one message to each active political team member")
	var to []string
	for _, m := range msgs {
		require.Len(t, m.To, 1)
		to = append(to, m.To[0])
		require.Contains(t, m.Parsed.Subject, "Example Party")
	}
	require.ElementsMatch(t, []string{"pol1@example.org", "pol2@example.org"}, to)

	open, err := monitor.OpenAlerts(ctx, b.pool, 10)
	require.NoError(t, err)
	require.Len(t, open, 1)

	// After the cool-down a surge still going on alerts again.
	later, err := b.mon.Check(ctx, now.Add(25*time.Hour))
	require.NoError(t, err)
	require.Empty(t, later, "the burst has left the 24-hour window")
}

func TestDigestSentOncePerDay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.jobCtx
	b.robocall(t, 1, time.Now().Add(-time.Hour))
	london, _ := time.LoadLocation("Europe/London")
	y, m, d := time.Now().In(london).Date()
	early := time.Date(y, m, d, 6, 30, 0, 0, london)
	nine := time.Date(y, m, d, 9, 0, 0, 0, london)

	done := fixture.Subscribe(t, b.client)
	sent, err := b.mon.SendDigests(ctx, early)
	require.NoError(t, err)
	require.Empty(t, sent, "before the digest hour")
	sent, err = b.mon.SendDigests(ctx, nine)
	require.NoError(t, err)
	require.Len(t, sent, 1)
	require.Contains(t, sent[0].Body, "NEW COMPLAINTS IN THE LAST 24 HOURS")
	require.Contains(t, sent[0].Body, "OPEN ALERTS")
	sent, err = b.mon.SendDigests(ctx, nine.Add(3*time.Hour))
	require.NoError(t, err)
	require.Empty(t, sent, "already sent today")

	rivertest.RequireManyInserted(ctx, t, riverpgxv5.New(b.pool), []rivertest.ExpectedJob{
		{Args: monitor.NotifyArgs{}}, {Args: monitor.NotifyArgs{}},
	})
	done.Wait(monitor.NotifyArgs{}.Kind(), 2, 15*time.Second)
	msgs := b.smtp.Messages()
	require.Len(t, msgs, 2, "one digest to each active political team member, once")
	require.True(t, strings.HasPrefix(msgs[0].Parsed.Subject, "Daily complaints digest"))
	require.Equal(t, 2, b.count(t, `SELECT count(*) FROM team_notifications WHERE kind = 'digest' AND sent_at IS NOT NULL`))
}
