package audits_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// mailEnv is a letter service with four-eyes approval whose send worker
// runs in a real River client and delivers to an in-process SMTP server.
type mailEnv struct {
	smtp    *mailtest.Server
	letters *outreach.Service
}

func newMailEnv(t *testing.T, ctx context.Context, pool *pgxpool.Pool) *mailEnv {
	t.Helper()
	smtp := mailtest.NewServer(t)
	mailer := outreach.NewSenderPool(2, func() (mail.Sender, error) { return mail.NewSMTP(smtp.URL()) })
	letters, err := outreach.NewService(pool, outreach.Settings{FourEyes: true, MailFrom: "Regulator <letters@regulator.example.org>"},
		mailer, fixture.InsertOnlyJobs(t, pool))
	require.NoError(t, err)
	_, err = letters.Seed(ctx)
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	outreach.RegisterJobs(reg, letters, mailer)
	client, err := jobs.NewClient(pool, reg, jobs.Options{Workers: map[string]int{jobs.QueueMail: 2}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	runCtx, cancel := context.WithCancel(context.Background())
	require.NoError(t, client.Start(runCtx))
	t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })
	return &mailEnv{smtp: smtp, letters: letters}
}

// internalID matches what a party must never read: provision and law
// keys, guidance codes, library keys, template syntax and codes.
var internalID = regexp.MustCompile(`PECR-|UKGDPR|DPA-2018|\bG[1-5]\b|guidance\.[a-z]|\{\{|\}\}|meaningful_progress|very_limited|compulsory audit \(`)

// requireLetters checks what the SMTP server received: one message to
// each of want (addresses), nothing to anyone else, each with the letter
// and the follow-up report attached, in words a party can read.
func requireLetters(t *testing.T, msgs []mailtest.Received, want []string, party, summary string) {
	t.Helper()
	var got []string
	for _, m := range msgs {
		require.Len(t, m.To, 1)
		got = append(got, m.To[0])
		p := m.Parsed
		require.Contains(t, p.Subject, "Our audit of "+party)
		require.Len(t, p.Attachments, 2, "the letter and the follow-up report")
		require.True(t, strings.HasPrefix(p.Attachments[0].Filename, "letter-"))
		require.True(t, strings.HasPrefix(p.Attachments[1].Filename, "audit-follow-up-"), p.Attachments[1].Filename)
		require.Equal(t, "application/pdf", p.Attachments[1].ContentType)
		text := strings.Join(strings.Fields(p.Text), " ")
		require.Contains(t, text, "the UK General Data Protection Regulation (UK GDPR)")
		require.Contains(t, text, "the Data Protection Act 2018")
		require.Contains(t, text, "a limited level of assurance")
		require.Contains(t, text, "has completed, or made meaningful progress on, every action agreed after the audit")
		require.Contains(t, text, summary)
		require.Contains(t, text, "Audit follow-up report: "+party)
		require.NotRegexp(t, internalID, text)
	}
	slices.Sort(got)
	slices.Sort(want)
	require.Equal(t, want, got)
}

func TestDraftLetterHeldReleasedBySomeoneElseAndSentToThePartysContactsOnly(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	me := newMailEnv(t, e.ctx, e.pool)
	svc := audits.NewService(e.pool, fixture.InsertOnlyJobs(t, e.pool), me.letters, audits.Settings{})
	prog := e.programme(t)
	party := e.f.Party()
	second := e.f.Contact(party.ID)
	gone := e.f.Contact(party.ID)
	_, err := e.pool.Exec(e.ctx, `UPDATE party_contacts SET active = false WHERE id = $1`, gone.ID)
	require.NoError(t, err)
	other := e.f.Party()
	id := e.auditOf(t, prog, party.ID, priorities(2, 2, 1, 1), false)
	e.auditOf(t, prog, other.ID, priorities(1, 1, 0, 0), false)
	author := fixture.As(e.ctx, e.f.User(fixture.UserRole("political_team")))
	releaser := fixture.As(e.ctx, e.f.User(fixture.UserRole("political_team")))

	// No conclusion yet: refused, nothing drafted.
	_, err = e.pool.Exec(e.ctx, `UPDATE audits SET conclusion = NULL WHERE id = $1`, id)
	require.NoError(t, err)
	_, err = svc.DraftLetter(author, id)
	fields := apperr.FieldsOf(err)
	require.Len(t, fields, 1, "%v", err)
	require.Equal(t, "conclusion", fields[0].Field)
	_, err = e.pool.Exec(e.ctx, `UPDATE audits SET conclusion = 'meaningful_progress' WHERE id = $1`, id)
	require.NoError(t, err)

	res, err := svc.DraftLetter(author, id)
	require.NoError(t, err)
	require.Equal(t, "held", res.BatchState)
	require.Equal(t, 2, res.Letters)
	var kind, state string
	var batchOfAudit int64
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT b.kind, b.state, a.letter_batch_id FROM audits a JOIN letter_batches b ON b.id = a.letter_batch_id WHERE a.id = $1`, id).
		Scan(&kind, &state, &batchOfAudit))
	require.Equal(t, []any{"audit", "held", res.BatchID}, []any{kind, state, batchOfAudit})
	var logged int
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_log WHERE action = 'audit.letter' AND object_type = 'audit' AND object_id = $1::bigint::text`, id).Scan(&logged))
	require.Equal(t, 1, logged)

	// A second draft while the batch is live is a conflict.
	_, err = svc.DraftLetter(author, id)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "%v", err)
	require.Contains(t, apperr.MessageOf(err), "A follow-up letter for this audit is already waiting to be released")
	require.NotContains(t, apperr.MessageOf(err), strconv.FormatInt(res.BatchID, 10), "people never see a batch's id")
	rep, err := svc.FollowUpReport(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, &audits.LetterBatch{ID: res.BatchID, State: "held"}, rep.LetterBatch, "the report reads the batch's state")

	// Four eyes: the author cannot release it; a colleague can.
	_, err = me.letters.ReleaseBatch(author, res.BatchID)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err), "%v", err)
	n, err := me.letters.ReleaseBatch(releaser, res.BatchID)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	msgs := me.smtp.WaitFor(t, 2, 30*time.Second)
	requireLetters(t, msgs, []string{party.Contacts[0].Email, second.Email}, party.Name, "Audits of political parties: summary")
	require.Eventually(t, func() bool {
		var sent int
		require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM letters WHERE batch_id = $1 AND state = 'sent' AND sent_at IS NOT NULL`, res.BatchID).Scan(&sent))
		return sent == 2
	}, 30*time.Second, 50*time.Millisecond)

	// Once released, the letter cannot be drafted again, and the
	// refusal does not ask for the batch to be cancelled.
	_, err = svc.DraftLetter(author, id)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "%v", err)
	require.Contains(t, apperr.MessageOf(err), "has already been released for sending")
	rep, err = svc.FollowUpReport(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, "released", rep.LetterBatch.State)
	require.False(t, rep.LetterBatch.Waiting())
}

func TestDraftLetterInWelshForWelshReaders(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	party := e.f.Party(fixture.PartyContacts(parties.Contact{Name: "Ceri Jones", Position: "Swyddog", Email: "ceri@plaid.example.org",
		Role: parties.DefaultRole, Active: true, Language: strPtr("cy")}))
	id := e.auditOf(t, prog, party.ID, priorities(1, 2, 0, 0), true)
	_, err := e.pool.Exec(e.ctx, `UPDATE audit_programmes SET summary_title_cy = '' WHERE id = $1`, prog)
	require.NoError(t, err)
	_, err = e.svc.DraftLetter(e.ctx, id)
	fields := apperr.FieldsOf(err)
	require.Len(t, fields, 1, "%v", err)
	require.Equal(t, "summary_title_cy", fields[0].Field)
	_, err = e.pool.Exec(e.ctx, `UPDATE audit_programmes SET summary_title_cy = 'Archwiliadau o bleidiau: crynodeb' WHERE id = $1`, prog)
	require.NoError(t, err)

	res, err := e.svc.DraftLetter(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, 1, res.Letters)
	var lang, body, attachment string
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT lang, body_text, attachment_name FROM letters WHERE batch_id = $1`, res.BatchID).Scan(&lang, &body, &attachment))
	require.Equal(t, "cy", lang)
	body = strings.Join(strings.Fields(body), " ")
	require.Contains(t, body, "Canfu'r adolygiad fod "+party.Name+" wedi cwblhau, neu wedi gwneud cynnydd ystyrlon ar, bob cam")
	require.Contains(t, body, "lefel gyfyngedig o sicrwydd")
	require.Contains(t, body, "Archwiliadau o bleidiau: crynodeb")
	require.Contains(t, body, "Rheoliad Cyffredinol y DU ar Ddiogelu Data (GDPR y DU)")
	require.NotContains(t, body, "limited level", "no English in the Welsh letter")
	require.NotRegexp(t, internalID, body)
	require.True(t, strings.HasPrefix(attachment, "audit-follow-up-"))

	// Cancelled, the batch no longer blocks a new draft.
	_, err = e.letters.CancelBatch(e.ctx, res.BatchID)
	require.NoError(t, err)
	again, err := e.svc.DraftLetter(e.ctx, id)
	require.NoError(t, err)
	require.NotEqual(t, res.BatchID, again.BatchID)
}

func TestConcurrentDraftsMakeOneBatch(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	id := e.auditOf(t, prog, e.f.Party().ID, priorities(1, 1, 0, 0), false)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := e.svc.DraftLetter(e.ctx, id)
			errs <- err
		}()
	}
	ok, conflicts := 0, 0
	for range 4 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case apperr.CodeOf(err) == apperr.Conflict:
			conflicts++
		default:
			require.NoError(t, err)
		}
	}
	require.Equal(t, []int{1, 3}, []int{ok, conflicts})
	var batches int
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM letter_batches WHERE kind = 'audit'`).Scan(&batches))
	require.Equal(t, 1, batches)
}
