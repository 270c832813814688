package audits_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/monitor"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// digestEnv is an audit service with a working River client (the digest
// and the team's message worker) and an SMTP server.
type digestEnv struct {
	*env
	smtp   *mailtest.Server
	client *jobs.Client
	jobCtx context.Context
}

func setupDigest(t *testing.T, digestHour int) *digestEnv {
	t.Helper()
	e := setup(t)
	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.URL())
	require.NoError(t, err)
	set := e.f.AuditSettings()
	set.DigestHour = digestHour
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)
	eng, err := triage.NewEngine(rb)
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	// The complaint a test submits is triaged as in production.
	review.Register(reg, review.NewPipeline(e.pool, eng))
	monitor.RegisterWorkers(reg, monitor.New(e.pool, monitor.Settings{MailFrom: "cw@example.org", BaseURL: "http://cw.test"}), sender)
	client, err := jobs.NewClient(e.pool, reg, jobs.Options{Workers: map[string]int{"default": 2, "mail": 2}})
	require.NoError(t, err)
	svc := audits.NewService(e.pool, client, nil, set)
	audits.RegisterWorkers(reg, svc)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })
	e.svc = svc
	e.f.UseAudits(svc)

	e.f.User(fixture.UserEmail("pol1@example.org"), fixture.UserRole(staff.RolePoliticalTeam))
	e.f.User(fixture.UserEmail("pol2@example.org"), fixture.UserRole(staff.RolePoliticalTeam))
	e.f.User(fixture.UserEmail("officer@example.org"), fixture.UserRole(staff.RoleTriageOfficer))
	e.f.User(fixture.UserEmail("gone@example.org"), fixture.UserRole(staff.RolePoliticalTeam), fixture.UserDisabled())
	return &digestEnv{env: e, smtp: smtp, client: client, jobCtx: rivertest.WorkContext(context.Background(), client)}
}

// overdueWorld makes, across two parties, four overdue recommendations
// (one per priority) and several that are not overdue, as of the London
// day on: dates are counted from it, not from the clock, so a test that
// passes midnight counts the same days late.
func (e *digestEnv) overdueWorld(t *testing.T, on time.Time) (alpha, beta int64) {
	t.Helper()
	target := func(n int) fixture.RecOption { return fixture.RecTarget(on.AddDate(0, 0, n)) }
	a := e.f.Party(fixture.PartyName("Alpha Party"))
	b := e.f.Party(fixture.PartyName("Beta Party"))
	auditA := e.f.Audit(fixture.AuditParty(a.ID), fixture.AuditState("report_issued"), fixture.AuditRecs(
		fixture.DefaultRec(fixture.RecPriority("low"), target(-40), fixture.RecArea("accountability")),
		fixture.DefaultRec(fixture.RecPriority("urgent"), target(-5), fixture.RecArea("profiling")),
		fixture.DefaultRec(fixture.RecPriority("urgent"), target(0)), // due today: not late
		fixture.DefaultRec(fixture.RecPriority("high"), target(-50)), // updated since: not late
	))
	recsA, err := e.svc.Recommendations(e.ctx, auditA.ID)
	require.NoError(t, err)
	e.f.Progress(recsA[3].ID, on.AddDate(0, 0, -49))
	e.f.Progress(recsA[0].ID, on.AddDate(0, 0, -45))

	e.f.Audit(fixture.AuditParty(b.ID), fixture.AuditConsensual(), fixture.AuditState("report_issued"), fixture.AuditRecs(
		fixture.DefaultRec(fixture.RecPriority("medium"), target(-2), fixture.RecArea("lawful_basis")),
		fixture.DefaultRec(fixture.RecPriority("high"), target(-30), fixture.RecArea("social_media_targeting")),
	))
	// Completed at follow-up, and open in a closed audit: neither is late.
	e.f.Audit(fixture.AuditParty(b.ID), fixture.AuditState("follow_up"), fixture.AuditReview("completed", "all_completed"),
		fixture.AuditRecs(fixture.DefaultRec(fixture.RecPriority("urgent"), target(-60))))
	e.f.Audit(fixture.AuditParty(a.ID), fixture.AuditState("closed"), fixture.AuditReview("some_progress", "limited_progress"),
		fixture.AuditRecs(fixture.DefaultRec(fixture.RecPriority("urgent"), target(-60))))
	return a.ID, b.ID
}

func TestOverdueDefinition(t *testing.T) {
	t.Parallel()
	e := setupDigest(t, 7)
	today := vocab.Today()
	e.overdueWorld(t, today)
	items, err := e.svc.Overdue(e.ctx, today)
	require.NoError(t, err)
	type row struct {
		party, ref, priority string
		late                 int
		updated              bool
	}
	var got []row
	for _, it := range items {
		got = append(got, row{it.PartyName, it.Rec.Ref(), it.Rec.Priority, it.DaysLate, it.LastUpdate != nil})
		require.True(t, it.Rec.Overdue)
	}
	require.Equal(t, []row{
		{"Alpha Party", "R2", "urgent", 5, false},
		{"Beta Party", "R2", "high", 30, false},
		{"Beta Party", "R1", "medium", 2, false},
		{"Alpha Party", "R1", "low", 40, true},
	}, got)

	// Ten days ago only what was late then.
	items, err = e.svc.Overdue(e.ctx, today.AddDate(0, 0, -10))
	require.NoError(t, err)
	require.Len(t, items, 2)
	require.Equal(t, 20, items[0].DaysLate)
	require.Equal(t, 30, items[1].DaysLate)
}

func TestOverdueDigestOncePerDay(t *testing.T) {
	t.Parallel()
	e := setupDigest(t, 7)
	ctx := e.jobCtx
	y, m, d := time.Now().In(vocab.London).Date()
	early := time.Date(y, m, d, 6, 30, 0, 0, vocab.London)
	nine := time.Date(y, m, d, 9, 0, 0, 0, vocab.London)

	// Nothing overdue: no digest.
	dg, err := e.svc.SendOverdueDigest(ctx, nine)
	require.NoError(t, err)
	require.Nil(t, dg)

	// The world is dated from nine's day, not from the clock, which may
	// pass midnight while the test runs.
	on := vocab.Day(nine)
	e.overdueWorld(t, on)
	// A complaint's sender must never reach the digest.
	sender := "07700 900123"
	e.f.Complaint(func(s *complaints.Submission) { s.Sender = sender })

	done := fixture.Subscribe(t, e.client)
	dg, err = e.svc.SendOverdueDigest(ctx, early)
	require.NoError(t, err)
	require.Nil(t, dg, "before the digest hour")
	dg, err = e.svc.SendOverdueDigest(ctx, nine)
	require.NoError(t, err)
	require.NotNil(t, dg)
	require.Equal(t, 4, dg.Items)
	body := dg.Body
	for _, want := range []string{"Alpha Party, R2 (Profiling): 5 days late", "Beta Party, R2 (Social media targeting): 30 days late",
		"Beta Party, R1 (Lawful basis): 2 days late", "Alpha Party, R1 (Accountability): 40 days late",
		"no progress update yet", "last update " + vocab.FormatDate(on.AddDate(0, 0, -45), "en"), "http://cw.test/staff/audits/recommendations/"} {
		require.Contains(t, body, want)
	}
	order := []string{"URGENT PRIORITY", "HIGH PRIORITY", "MEDIUM PRIORITY", "LOW PRIORITY"}
	for i := 1; i < len(order); i++ {
		require.Less(t, strings.Index(body, order[i-1]), strings.Index(body, order[i]), "urgent first")
	}
	require.NotContains(t, body, sender)
	require.NotContains(t, body, "urgent", "labels, not codes")

	again, err := e.svc.SendOverdueDigest(ctx, nine.Add(3*time.Hour))
	require.NoError(t, err)
	require.Nil(t, again, "already sent today")

	done.Wait(monitor.NotifyArgs{}.Kind(), 3, 15*time.Second)
	msgs := e.smtp.Messages()
	require.Len(t, msgs, 3, "one digest to each active political team member")
	var to []string
	for _, msg := range msgs {
		to = append(to, msg.To[0])
		require.Equal(t, dg.Subject, msg.Parsed.Subject)
	}
	require.ElementsMatch(t, []string{e.user.Email, "pol1@example.org", "pol2@example.org"}, to, "not the officer, not the disabled account")
	require.Equal(t, 3, e.count(t, `SELECT count(*) FROM team_notifications WHERE kind = 'audit_digest' AND sent_at IS NOT NULL`))
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_digests`))
}

func TestOverdueDigestJobRunTwiceSendsOnce(t *testing.T) {
	t.Parallel()
	// From midnight, so the job's own clock is always past the hour.
	e := setupDigest(t, 0)
	e.overdueWorld(t, vocab.Today())
	done := fixture.Subscribe(t, e.client)

	_, err := e.client.Insert(context.Background(), audits.DigestArgs{}, nil)
	require.NoError(t, err)
	done.Wait(audits.DigestArgs{}.Kind(), 1, 15*time.Second)
	done.Wait(monitor.NotifyArgs{}.Kind(), 3, 15*time.Second)

	// A second run the same day, as after the schedule's uniqueness
	// window (a unique key of its own lets the insert through).
	_, err = e.client.Insert(context.Background(), audits.DigestArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByQueue: true}})
	require.NoError(t, err)
	done.Wait(audits.DigestArgs{}.Kind(), 2, 15*time.Second)

	// The second run committed nothing: no digest, message or job more.
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_digests`))
	require.Equal(t, 3, e.count(t, `SELECT count(*) FROM team_notifications WHERE kind = 'audit_digest'`))
	require.Equal(t, 3, e.count(t, `SELECT count(*) FROM river_job WHERE kind = $1`, monitor.NotifyArgs{}.Kind()))
	require.Len(t, e.smtp.Messages(), 3)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit_digest.send'`))
}
