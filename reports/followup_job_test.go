package reports_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/mail/mailtest"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/reports"
)

func TestFollowUpBatchDraftedWhenDueHeldThenSentWithReports(t *testing.T) {
	t.Parallel()
	b := setup(t, 300)
	ctx := b.ctx
	smtp := mailtest.NewServer(t)
	mailer := outreach.NewSenderPool(2, func() (mail.Sender, error) { return mail.NewSMTP(smtp.URL()) })
	svc, err := outreach.NewService(b.pool, outreach.Settings{MailFrom: "Regulator <letters@regulator.example.org>"}, mailer, fixture.InsertOnlyJobs(t, b.pool))
	require.NoError(t, err)
	_, err = svc.Seed(ctx)
	require.NoError(t, err)

	// One party has no complaint at all: it must get no letter.
	var quiet int64
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT p.id FROM parties p JOIN party_contacts c ON c.party_id = p.id AND c.active
		WHERE p.id IN (SELECT party_id FROM complaints WHERE election_id = $1) ORDER BY p.id DESC LIMIT 1`, b.election).Scan(&quiet))
	_, err = b.pool.Exec(ctx, `UPDATE complaints SET party_id = NULL WHERE party_id = $1`, quiet)
	require.NoError(t, err)

	// Not yet due: polling day was yesterday, follow-up in 14 days.
	_, err = b.pool.Exec(ctx, `UPDATE elections SET regulated_from = NULL, announced_on = current_date - 40, polling_day = current_date - 1, follow_up_days = 14 WHERE id = $1`, b.election)
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	fu := reports.NewFollowUps(b.store, svc)
	w := reports.RegisterFollowUps(reg, fu, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, w.Work(ctx, &river.Job[reports.FollowUpArgs]{}))
	requireBatches(t, b, 0)

	// Due today: the job (run at start by a real River client) drafts it.
	_, err = b.pool.Exec(ctx, `UPDATE elections SET polling_day = current_date - 14 WHERE id = $1`, b.election)
	require.NoError(t, err)
	outreach.RegisterJobs(reg, svc, mailer)
	client, err := jobs.NewClient(b.pool, reg, jobs.Options{Workers: map[string]int{"reports": 1, "mail": 2}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	done := fixture.Subscribe(t, client)
	runCtx, cancel := context.WithCancel(context.Background())
	require.NoError(t, client.Start(runCtx))
	t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })
	done.Wait(reports.FollowUpArgs{}.Kind(), 1, 30*time.Second)
	requireBatches(t, b, 1)
	var batchID int64
	var state string
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT id, state FROM letter_batches WHERE election_id = $1 AND kind = 'follow_up'`, b.election).Scan(&batchID, &state))
	require.Equal(t, "held", state)

	// Letters: one per active contact of each party with a complaint, and
	// only those, each with its report attached; nothing sent yet.
	var want []int64
	rows, err := b.pool.Query(ctx, `SELECT c.id FROM party_contacts c WHERE c.active AND c.party_id IN
		(SELECT party_id FROM complaints WHERE election_id = $1 AND party_id IS NOT NULL) ORDER BY 1`, b.election)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		want = append(want, id)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, want)
	var got []int64
	rows, err = b.pool.Query(ctx, `SELECT contact_id FROM letters WHERE batch_id = $1 AND state = 'held' AND attachment IS NOT NULL
		AND attachment_name LIKE 'complaints-report-%.pdf' ORDER BY 1`, batchID)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		got = append(got, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, want, got)
	var quietLetters int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM letters WHERE batch_id = $1 AND party_id = $2`, batchID, quiet).Scan(&quietLetters))
	require.Zero(t, quietLetters)
	require.Empty(t, smtp.Messages(), "a held batch sends nothing")

	// Idempotent: the job again, and a person asking, add nothing.
	require.NoError(t, w.Work(ctx, &river.Job[reports.FollowUpArgs]{}))
	_, err = fu.Draft(ctx, b.election, reports.DefaultReplyBy(time.Now()))
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	// The job asked for a reply by the default day, stored on the batch.
	var replyBy time.Time
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT reply_by FROM letter_batches WHERE id = $1`, batchID).Scan(&replyBy))
	require.Equal(t, reports.DefaultReplyBy(time.Now()).Format(time.DateOnly), replyBy.Format(time.DateOnly))
	requireBatches(t, b, 1)

	// Released through outreach: every letter arrives with its letter PDF
	// and the party's report, which holds no complainant's details.
	n, err := svc.ReleaseBatch(audit.WithActor(ctx, audit.Actor{Label: "test"}), batchID)
	require.NoError(t, err)
	require.Equal(t, len(want), n)
	msgs := smtp.WaitFor(t, len(want), 30*time.Second)
	require.Len(t, msgs, len(want))
	for _, m := range msgs {
		p := m.Parsed
		require.Contains(t, p.Subject, "Complaints about ")
		require.Len(t, p.Attachments, 2)
		require.True(t, strings.HasPrefix(p.Attachments[0].Filename, "letter-"))
		require.True(t, strings.HasPrefix(p.Attachments[1].Filename, "complaints-report-"))
		text := PDFText(t, p.Attachments[1].Data)
		require.Contains(t, text, "What we ask you to do")
		requireNoPersonalData(t, b, text)
		require.Contains(t, p.Text, "1. ")
		require.Contains(t, p.Text, vocab.FormatDate(reports.DefaultReplyBy(time.Now()), "en"), "the letter says when to reply by")
		requirePartyReadable(t, text)
		requirePartyReadable(t, p.Text)
	}
	var sent int
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT count(*) FROM letters WHERE batch_id = $1 AND state = 'sent'`, batchID).Scan(&sent))
	require.Equal(t, len(want), sent)

	// A cancelled batch is not redrafted by the job, but a person may
	// draft a new one.
	_, err = b.pool.Exec(ctx, `UPDATE letter_batches SET state = 'cancelled' WHERE id = $1`, batchID)
	require.NoError(t, err)
	require.NoError(t, w.Work(ctx, &river.Job[reports.FollowUpArgs]{}))
	requireBatches(t, b, 1)
	res, err := fu.Draft(ctx, b.election, reports.DefaultReplyBy(time.Now()))
	require.NoError(t, err)
	require.Equal(t, "held", res.BatchState)
	requireBatches(t, b, 2)
	require.False(t, slices.Contains(partyIDs(res), quiet))
}

func partyIDs(res *outreach.CallResult) []int64 {
	var out []int64
	for _, p := range res.Parties {
		out = append(out, p.PartyID)
	}
	return out
}

func countBatches(t *testing.T, b *bundle) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*) FROM letter_batches WHERE election_id = $1 AND kind = 'follow_up'`, b.election).Scan(&n))
	return n
}

func requireBatches(t *testing.T, b *bundle, n int) {
	t.Helper()
	require.Equal(t, n, countBatches(t, b))
}
