package outreach_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/demo"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

type env struct {
	t      *testing.T
	pool   *pgxpool.Pool
	svc    *outreach.Service
	smtp   *mailtest.Server
	mailer mail.Sender
	staff  *staff.Service
	// done follows the send jobs the latest startWorkers client completes.
	done *fixture.Completions
}

func newEnv(t *testing.T, settings outreach.Settings) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, pool: testdb.New(t), smtp: mailtest.NewServer(t)}
	// An insert-only client, as the composition root passes to services;
	// startWorkers runs a client that works the jobs.
	inserter := fixture.InsertOnlyJobs(t, e.pool)
	e.staff = staff.NewService(e.pool, staff.Settings{}, inserter)
	_, err := demo.Load(audit.WithActor(ctx, audit.Actor{Label: "test"}), demo.Deps{Parties: parties.NewStore(e.pool), Staff: e.staff})
	require.NoError(t, err)
	sender, err := mail.NewSMTP(e.smtp.URL())
	require.NoError(t, err)
	e.mailer = outreach.NewSenderPool(4, func() (mail.Sender, error) { return mail.NewSMTP(e.smtp.URL()) })
	_ = sender
	settings.MailFrom = "Regulator <letters@regulator.example.org>"
	e.svc, err = outreach.NewService(e.pool, settings, e.mailer, inserter)
	require.NoError(t, err)
	_, err = e.svc.Seed(ctx)
	require.NoError(t, err)
	return e
}

// startWorkers runs a real River client with the send worker, whose
// completed jobs e.done follows; the returned function stops it abruptly,
// cancelling jobs in flight.
func (e *env) startWorkers() (stop func()) {
	e.t.Helper()
	reg := jobs.NewRegistry()
	outreach.RegisterJobs(reg, e.svc, e.mailer)
	c, err := jobs.NewClient(e.pool, reg, jobs.Options{Workers: map[string]int{"mail": 4}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(e.t, err)
	e.done = fixture.Subscribe(e.t, c)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(e.t, c.Start(ctx))
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		sctx, c2 := context.WithTimeout(context.Background(), 10*time.Second)
		defer c2()
		_ = c.StopAndCancel(sctx)
	}
	e.t.Cleanup(stop)
	return stop
}

func (e *env) user(role staff.Role, n int) context.Context {
	u, err := e.staff.CreateUser(audit.WithActor(context.Background(), audit.Actor{Label: "test"}), fmt.Sprintf("user%d@example.org", n), role, "correct horse battery staple")
	require.NoError(e.t, err)
	return audit.WithActor(context.Background(), audit.Actor{UserID: &u.ID, Label: u.Email})
}

// sendKind is the kind of the letters' send jobs.
var sendKind = outreach.SendArgs{}.Kind()

// unfinishedSends counts the send jobs not completed.
func unfinishedSends(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1 AND state <> 'completed'`, sendKind).Scan(&n))
	return n
}

func date(s string) *time.Time {
	d, err := outreach.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func activeContacts(t *testing.T, pool *pgxpool.Pool, nations []string) map[string]string {
	rows, err := pool.Query(context.Background(), `SELECT lower(c.email), p.name FROM party_contacts c JOIN parties p ON p.id = c.party_id
WHERE c.active AND p.active AND p.nations && $1`, nations)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var email, party string
		require.NoError(t, rows.Scan(&email, &party))
		out[email] = party
	}
	return out
}

func (e *env) waitSent(electionID int64, n int) *outreach.ElectionStatus {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := e.svc.Status(context.Background(), electionID)
		require.NoError(e.t, err)
		if st.Counts["sent"] >= n || time.Now().After(deadline) {
			require.Equal(e.t, n, st.Counts["sent"], "letters sent: %v", st.Counts)
			return st
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestGeneralElectionSendsOneLetterPerActiveContact(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	e.startWorkers()
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "General Election 2099", NameCY: "Etholiad Cyffredinol 2099", Type: "general", PollingDay: date("2099-07-02")}})
	require.NoError(t, err)
	want := activeContacts(t, e.pool, vocab.NationCodes())
	require.Equal(t, len(want), res.Letters)
	require.Len(t, res.Parties, len(demo.Parties))

	// One send job per letter; once every one has completed there is no
	// job left that could send anything more.
	e.done.Wait(sendKind, res.Letters, 60*time.Second)
	st := e.waitSent(res.ElectionID, len(want))
	msgs := e.smtp.Messages()
	require.Len(t, msgs, len(want), "exactly one message per active contact")

	refs := map[string]bool{}
	for _, p := range st.Parties {
		for _, l := range p.Letters {
			refs[l.Reference] = true
			require.Equal(t, "sent", l.State)
			require.Equal(t, 1, l.Attempts)
		}
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		require.Len(t, m.To, 1, "one recipient per message")
		to := strings.ToLower(m.To[0])
		party, ok := want[to]
		require.True(t, ok, "message to %s, who is not an active contact in scope", to)
		require.False(t, seen[to], "second message to %s", to)
		seen[to] = true
		p := m.Parsed
		require.Contains(t, p.Text, party)
		require.Contains(t, p.HTML, strings.ReplaceAll(party, "'", "&#39;"))
		require.Contains(t, p.Text, "Thursday 2 July 2099")
		require.Regexp(t, `PGA/\d{4}/\d{4}`, p.Subject)
		ref := p.Subject[strings.Index(p.Subject, "PGA/") : strings.Index(p.Subject, "PGA/")+13]
		require.True(t, refs[ref], "reference %s in the subject is a stored letter's", ref)
		require.Contains(t, p.Text, ref)
		require.Len(t, p.Attachments, 1)
		require.Equal(t, "application/pdf", p.Attachments[0].ContentType)
		require.True(t, strings.HasPrefix(p.MessageID, "letter-") || strings.HasPrefix(p.MessageID, "<letter-"), p.MessageID)
	}
	var recipientNames int
	for _, m := range msgs {
		for _, c := range demo.Parties {
			for _, ct := range c.Contacts {
				if strings.EqualFold(ct.Email, m.To[0]) && strings.Contains(m.Parsed.Text, "Dear "+ct.Name) {
					recipientNames++
				}
			}
		}
	}
	require.Equal(t, len(want), recipientNames, "every letter greets its recipient by name")
}

func TestDevolvedElectionReachesOnlyPartiesStandingThere(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	e.startWorkers()
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "Scottish Parliament election 2026", NameCY: "Etholiad Senedd yr Alban 2026", Type: "scottish_parliament", PollingDay: date("2099-05-07")}})
	require.NoError(t, err)
	want := activeContacts(t, e.pool, []string{"scotland"})
	require.Equal(t, len(want), res.Letters)
	msgs := e.smtp.WaitFor(t, len(want), 60*time.Second)
	e.waitSent(res.ElectionID, len(want))
	for _, m := range msgs {
		_, ok := want[strings.ToLower(m.To[0])]
		require.True(t, ok, "%s does not stand in Scotland", m.To[0])
		require.NotContains(t, m.Parsed.Text, "Democratic Unionist")
	}
	for _, p := range res.Parties {
		require.NotEqual(t, "Plaid Cymru – The Party of Wales", p.Party)
		require.NotEqual(t, "Democratic Unionist Party", p.Party)
	}
}

func TestHeldBatchSendsNothingUntilASecondUserReleasesIt(t *testing.T) {
	e := newEnv(t, outreach.Settings{FourEyes: true})
	e.startWorkers()
	alice, bob := e.user(staff.RolePoliticalTeam, 1), e.user(staff.RolePoliticalTeam, 2)
	res, err := callConfirmed(alice, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "Senedd election", NameCY: "Etholiad y Senedd", Type: "senedd", PollingDay: date("2099-05-07")}})
	require.NoError(t, err)
	require.Equal(t, "held", res.BatchState)
	_, err = e.svc.ReleaseBatch(alice, res.BatchID)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err), "the creator cannot release: %v", err)
	// A held batch queues no send job, so nothing can be sent.
	rivertest.RequireNotInserted(context.Background(), t, riverpgxv5.New(e.pool), outreach.SendArgs{}, nil)
	require.Empty(t, e.smtp.Messages(), "a held batch sends nothing")
	st, err := e.svc.Status(context.Background(), res.ElectionID)
	require.NoError(t, err)
	require.Equal(t, res.Letters, st.Counts["held"])

	n, err := e.svc.ReleaseBatch(bob, res.BatchID)
	require.NoError(t, err)
	require.Equal(t, res.Letters, n)
	e.smtp.WaitFor(t, res.Letters, 60*time.Second)
	e.waitSent(res.ElectionID, res.Letters)
	_, err = e.svc.ReleaseBatch(bob, res.BatchID)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
}

func TestCancelledHeldBatchNeverSends(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	e.startWorkers()
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{Hold: true, ElectionInput: outreach.ElectionInput{
		Name: "NI Assembly", NameCY: "Etholiad Cynulliad Gogledd Iwerddon", Type: "ni_assembly", PollingDay: date("2099-05-07")}})
	require.NoError(t, err)
	n, err := e.svc.CancelBatch(ctx, res.BatchID)
	require.NoError(t, err)
	require.Equal(t, res.Letters, n)
	_, err = e.svc.ReleaseBatch(ctx, res.BatchID)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	// No send job was ever queued, so nothing can be sent.
	rivertest.RequireNotInserted(context.Background(), t, riverpgxv5.New(e.pool), outreach.SendArgs{}, nil)
	require.Empty(t, e.smtp.Messages())
}

func TestTemporaryFailuresAreRetriedUntilEveryLetterIsDelivered(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	e.smtp.FailNext(3, 451, "try again later")
	e.startWorkers()
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "Senedd election", NameCY: "Etholiad y Senedd", Type: "senedd", PollingDay: date("2099-05-07")}})
	require.NoError(t, err)
	e.smtp.WaitFor(t, res.Letters, 90*time.Second)
	st := e.waitSent(res.ElectionID, res.Letters)
	retried := 0
	for _, p := range st.Parties {
		for _, l := range p.Letters {
			if l.Attempts > 1 {
				retried++
				require.Contains(t, l.SMTPReply, "250")
			}
		}
	}
	require.GreaterOrEqual(t, retried, 1)
	require.Len(t, e.smtp.Messages(), res.Letters)
}

func TestPermanentFailureMarksTheLetterFailedUntilResent(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "By-election", NameCY: "Isetholiad", Type: "by_election", Nations: []string{"northern_ireland"}, PollingDay: date("2099-05-07")}})
	require.NoError(t, err)
	e.smtp.FailNext(1, 550, "no such mailbox")
	e.startWorkers()
	e.smtp.WaitFor(t, res.Letters-1, 60*time.Second)
	var failed *outreach.Letter
	require.Eventually(t, func() bool {
		st, err := e.svc.Status(context.Background(), res.ElectionID)
		require.NoError(t, err)
		for _, p := range st.Parties {
			for _, l := range p.Letters {
				if l.State == "failed" {
					failed = &l
				}
			}
		}
		return failed != nil && st.Counts["sent"] == res.Letters-1
	}, 30*time.Second, 100*time.Millisecond)
	require.Contains(t, failed.SMTPReply, "550")
	require.Contains(t, failed.SMTPReply, "no such mailbox")
	require.Equal(t, 1, failed.Attempts)

	n, err := e.svc.ResendFailed(ctx, res.ElectionID, 0)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	e.smtp.WaitFor(t, res.Letters, 30*time.Second)
	e.waitSent(res.ElectionID, res.Letters)
}

func TestRestartedWorkerSendsNoLetterTwice(t *testing.T) {
	e := newEnv(t, outreach.Settings{MailRate: 10})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{
		Name: "General Election", NameCY: "Etholiad Cyffredinol", Type: "general", PollingDay: date("2099-05-07")}})
	require.NoError(t, err)
	stop := e.startWorkers()
	e.smtp.WaitFor(t, 3, 30*time.Second)
	stop() // cancels letters in flight, as a crash would
	// The jobs the first client did not complete are the second's: once
	// it has completed them all, no job is left to send anything more.
	left := unfinishedSends(t, e.pool)
	e.startWorkers()
	e.done.Wait(sendKind, left, 60*time.Second)
	st := e.waitSent(res.ElectionID, res.Letters)
	counts := map[string]int{}
	for _, m := range e.smtp.Messages() {
		counts[m.Parsed.MessageID]++
	}
	require.Len(t, counts, res.Letters)
	for id, n := range counts {
		require.Equal(t, 1, n, "%s sent %d times", id, n)
	}

	// Running a letter's job again, as River would after a lost ack, sends
	// nothing.
	w := outreach.NewSendWorker(e.svc, e.mailer, 0)
	l := st.Parties[0].Letters[0]
	before := len(e.smtp.Messages())
	err = w.Work(context.Background(), &river.Job[outreach.SendArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 20}, Args: outreach.SendArgs{LetterID: l.ID, Round: 1}})
	require.NoError(t, err)
	require.Equal(t, before, len(e.smtp.Messages()))
}

func TestBadElectionCallsCreateNothing(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	fixture.New(t, e.pool).Party(fixture.PartyName("Islands Party"), fixture.PartyNations(vocab.NationScotland), fixture.PartyContacts())
	cases := map[string]struct {
		in    outreach.CallInput
		field string
		msg   string
	}{
		"polling day before announcement": {outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "general", AnnouncedOn: date("2024-06-01"), PollingDay: date("2024-05-01")}}, "polling_day", "on or after"},
		"unknown nation":                  {outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "local", Nations: []string{"cornwall"}, PollingDay: date("2099-05-01")}}, "nations", "cornwall"},
		"local without nations":           {outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "local", PollingDay: date("2099-05-01")}}, "nations", "Choose the nations"},
		"unknown type":                    {outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "papal", PollingDay: date("2099-05-01")}}, "type", "type of election"},
		"missing template field":          {outreach.CallInput{Template: "election-reminder-briefing", ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "general", PollingDay: date("2099-05-01")}}, "fields.BriefingDate", "BriefingDate"},
		"unknown template field":          {outreach.CallInput{Fields: map[string]string{"Colour": "red"}, ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "general", PollingDay: date("2099-05-01")}}, "fields.Colour", "no field"},
		"unknown template":                {outreach.CallInput{Template: "nope", ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "general", PollingDay: date("2099-05-01")}}, "template", "nope"},
	}
	for name, c := range cases {
		_, err := callConfirmed(ctx, e.svc, c.in)
		require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "%s: %v", name, err)
		var found bool
		for _, f := range apperr.FieldsOf(err) {
			if f.Field == c.field && strings.Contains(f.Message, c.msg) {
				found = true
			}
		}
		require.True(t, found, "%s: %+v", name, apperr.FieldsOf(err))
	}

	// A contact without a valid address stops the whole call. The party
	// registry refuses such an address, so this is a contact stored before
	// it checked them, made as the old code made it: in SQL.
	_, err := e.pool.Exec(ctx, `INSERT INTO party_contacts (party_id, name, email) SELECT id, 'Broken Contact', 'broken contact@snp' FROM parties WHERE name = 'Scottish National Party'`)
	require.NoError(t, err)
	_, err = callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "scottish_parliament", PollingDay: date("2099-05-01")}})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	require.Contains(t, apperr.FieldsOf(err)[0].Message, "Broken Contact")

	// No party in scope.
	_, err = e.pool.Exec(ctx, `UPDATE parties SET active = false WHERE 'northern_ireland' = ANY (nations)`)
	require.NoError(t, err)
	_, err = callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "X", NameCY: "X", Type: "ni_assembly", PollingDay: date("2099-05-01")}})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	require.Contains(t, apperr.FieldsOf(err)[0].Message, "No active party")

	var elections, letters, counters int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM elections), (SELECT count(*) FROM letters), (SELECT count(*) FROM letter_reference_counters)`).Scan(&elections, &letters, &counters))
	require.Zero(t, elections+letters+counters, "nothing created")
}

func TestBounceFlagsTheContactForReview(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	e.startWorkers()
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "NI", NameCY: "Etholiad Gogledd Iwerddon", Type: "ni_assembly", PollingDay: date("2099-05-01")}})
	require.NoError(t, err)
	st := e.waitSent(res.ElectionID, res.Letters)
	l := st.Parties[0].Letters[0]
	_, err = e.svc.Bounce(ctx, l.Reference, "")
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	got, err := e.svc.Bounce(ctx, l.Reference, "550 5.1.1 mailbox unknown")
	require.NoError(t, err)
	require.Equal(t, "bounced", got.State)
	var review bool
	var reason string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT needs_review, review_reason FROM party_contacts WHERE id = $1`, *l.ContactID).Scan(&review, &reason))
	require.True(t, review)
	require.Contains(t, reason, l.Reference)
	_, err = e.svc.Bounce(ctx, "PGA/1999/9999", "x")
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))
}

func TestEachLetterRecordsItsTemplateVersion(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	v1, err := e.svc.Template(ctx, "election-reminder", 0)
	require.NoError(t, err)
	_, err = e.svc.SaveTemplate(ctx, "election-reminder", "---\nsubject: x\n---\nDear {{.RecipientName}},\n\n{{.Nope}}\n", "")
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	require.Contains(t, apperr.FieldsOf(err)[0].Message, "line 6")
	v2, err := e.svc.SaveTemplate(ctx, "election-reminder", strings.Replace(v1.Source, "Dear {{.RecipientName}},", "Dear {{.RecipientName}}, hello", 1), "friendlier")
	require.NoError(t, err)
	require.Equal(t, v1.Version+1, v2.Version)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{Hold: true, ElectionInput: outreach.ElectionInput{Name: "NI", NameCY: "Etholiad Gogledd Iwerddon", Type: "ni_assembly", PollingDay: date("2099-05-01")}})
	require.NoError(t, err)
	require.Equal(t, v2.Version, res.Version)
	st, err := e.svc.Status(ctx, res.ElectionID)
	require.NoError(t, err)
	require.Equal(t, v2.ID, st.Parties[0].Letters[0].TemplateID)
	old, err := e.svc.Template(ctx, "election-reminder", v1.Version)
	require.NoError(t, err)
	require.Equal(t, v1.Source, old.Source, "old versions stay readable")
}

func TestElectionPhases(t *testing.T) {
	reg := date("2024-06-01")
	el := outreach.Election{AnnouncedOn: *date("2024-05-22"), PollingDay: *date("2024-07-04"), RegulatedFrom: reg, FollowUpDays: 14}
	for day, want := range map[string]outreach.Phase{
		"2024-05-22": outreach.PhaseAnnounced, "2024-05-31": outreach.PhaseAnnounced, "2024-06-01": outreach.PhaseCampaign,
		"2024-07-04": outreach.PhasePollingDay, "2024-07-05": outreach.PhaseFollowUp, "2024-07-18": outreach.PhaseFollowUp,
		"2024-07-19": outreach.PhaseClosed,
	} {
		require.Equal(t, want, el.PhaseOn(*date(day)), day)
	}
}
