package complaints

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// TriageArgs asks for a complaint to be triaged. It is queued with the
// complaint, in the same transaction.
type TriageArgs struct {
	ComplaintID int64 `json:"complaint_id"`
}

// Kind implements river.JobArgs.
func (TriageArgs) Kind() string { return "complaint_triage" }

// InsertOpts keeps one triage job per complaint.
//
// Triage jobs run at priority 2: a triage job claims a whole batch of
// waiting complaints, so under a surge most of them find their work done and
// the queue can hold many cheap jobs; monitoring and other default-queue
// jobs (priority 1) must not wait behind them.
func (TriageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueDefault, Priority: 2, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// AcknowledgeArgs sends the complainant the "we have your complaint" email.
type AcknowledgeArgs struct {
	ComplaintID int64 `json:"complaint_id"`
}

// Kind implements river.JobArgs.
func (AcknowledgeArgs) Kind() string { return "complaint_acknowledge" }

// InsertOpts puts the email on the mail queue, once per complaint.
func (AcknowledgeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// RetentionArgs is the daily job that erases personal data from old complaints.
type RetentionArgs struct{}

// Kind implements river.JobArgs.
func (RetentionArgs) Kind() string { return "complaint_retention" }

// InsertOpts makes the job unique per day, however many instances schedule it.
func (RetentionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 24 * time.Hour}}
}

// JobSettings are what the jobs need beyond the service.
type JobSettings struct {
	MailFrom      string
	BaseURL       string
	RetentionDays int // default 730
	// RetentionBatch is how many complaints one retention transaction
	// erases; default RetentionBatch.
	RetentionBatch int
}

// Register adds the acknowledgement worker and the daily retention job to
// reg. The worker for TriageArgs is complaints/review's pipeline, which
// registers itself (River takes one worker per kind).
func Register(reg *jobs.Registry, svc *Service, mailer mail.Sender, set JobSettings) {
	if set.RetentionDays <= 0 {
		set.RetentionDays = 730
	}
	river.AddWorker(reg.Workers(), &ackWorker{svc: svc, mailer: mailer, set: set})
	river.AddWorker(reg.Workers(), &retentionWorker{svc: svc, days: set.RetentionDays, batch: set.RetentionBatch})
	reg.AddPeriodic(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return RetentionArgs{}, nil
	}, true)
}

type ackWorker struct {
	river.WorkerDefaults[AcknowledgeArgs]
	svc    *Service
	mailer mail.Sender
	set    JobSettings
}

// Work sends the email once: the complainant row is locked, the send
// happens, and acknowledged_at is set in the same transaction; a job that
// finds it set does nothing. The lock is on the complainant, not the
// complaint, so a slow mail server never holds up triage or staff work on
// the complaint itself. The Message-ID is fixed per complaint, so if a commit is
// lost after a send, the repeat is recognisable as the same message.
func (w *ackWorker) Work(ctx context.Context, job *river.Job[AcknowledgeArgs]) error {
	tx, err := w.svc.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	q := dbsqlc.New(tx)
	c, err := q.LockForAcknowledgement(ctx, job.Args.ComplaintID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	ref, lang, email := c.Reference, c.Lang, c.Email
	// A complaint linked as a duplicate has the same sender, message and
	// complainant as one already acknowledged. Only the first is
	// acknowledged: anyone who knows those details could otherwise have
	// the first complainant sent email after email.
	if c.AcknowledgedAt != nil || email == "" || c.Duplicate {
		return nil
	}
	var msg *mail.Message
	// A referral the rulebook in force no longer has leaves the email as
	// it always was rather than failing it: the acknowledgement matters
	// more than the advice.
	if r, ok := w.referral(c.Referral); ok {
		msg = AcknowledgementEmailWithReferral(lang, ref, w.set.BaseURL, r)
	} else {
		msg = AcknowledgementEmail(lang, ref, w.set.BaseURL)
	}
	msg.From = w.set.MailFrom
	msg.To = []string{email}
	msg.MessageID = fmt.Sprintf("complaint-ack-%d@campaignwatch", job.Args.ComplaintID)
	if res := w.mailer.Send(ctx, msg)[0]; res.Err != nil {
		// Job errors are stored by River and logged, and an SMTP reply often
		// quotes the recipient: keep the complainant's address out of both.
		err := errors.New(strings.ReplaceAll(res.Err.Error(), email, "[recipient]"))
		if mail.IsPermanent(res.Err) {
			return river.JobCancel(fmt.Errorf("acknowledgement for %s: %w", ref, err))
		}
		return fmt.Errorf("acknowledgement for %s: %w", ref, err)
	}
	if err := q.MarkAcknowledged(ctx, job.Args.ComplaintID); err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, "complaint.acknowledge", "complaint", ref, audit.Change{After: map[string]any{"lang": lang}}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// referral is the wording of the referral with id, when there is one.
func (w *ackWorker) referral(id *string) (triage.Referral, bool) {
	if id == nil {
		return triage.Referral{}, false
	}
	return w.svc.Referral(*id)
}

// AcknowledgementEmail is the short "we have your complaint" message in
// English or Welsh. It is marked as complainant mail: the address and the
// reference identify the complainant.
func AcknowledgementEmail(lang, ref, baseURL string) *mail.Message {
	return acknowledgementEmail(lang, ref, baseURL, nil)
}

// AcknowledgementEmailWithReferral is the acknowledgement of a complaint
// that another body handles: it also tells the complainant, in their
// language, where to go, naming the body and its web address (or, when
// no body can act, why not). It carries no codes: the complainant reads
// it.
func AcknowledgementEmailWithReferral(lang, ref, baseURL string, r triage.Referral) *mail.Message {
	return acknowledgementEmail(lang, ref, baseURL, &r)
}

func acknowledgementEmail(lang, ref, baseURL string, r *triage.Referral) *mail.Message {
	privacy := strings.TrimRight(baseURL, "/") + "/privacy"
	if lang == "cy" {
		return &mail.Message{
			Complainant: true,
			Subject:     "Rydym wedi cael eich cwyn " + ref,
			Text: "Diolch am roi gwybod i ni.\n\n" +
				"Cyfeirnod eich cwyn yw " + ref + ". Defnyddiwch y cyfeirnod hwn os byddwch yn cysylltu â ni amdani.\n\n" +
				referralText(r, lang, "Rydym wedi cofnodi eich cwyn, ond nid ni sy'n ymdrin â'r hyn rydych yn ei ddisgrifio. ", "Ble i fynd: ") +
				"Byddwn yn darllen eich cwyn ac yn ei defnyddio wrth edrych ar sut mae pleidiau gwleidyddol yn defnyddio data pobl. " +
				"Efallai na fyddwn yn gallu ateb pob cwyn yn unigol.\n\n" +
				"Sut rydym yn defnyddio eich gwybodaeth: " + privacy + "\n",
		}
	}
	return &mail.Message{
		Complainant: true,
		Subject:     "We have received your complaint " + ref,
		Text: "Thank you for telling us about this.\n\n" +
			"Your complaint reference is " + ref + ". Please quote it if you contact us about this complaint.\n\n" +
			referralText(r, lang, "We have recorded your complaint, but what you describe is not something we deal with. ", "Where to go: ") +
			"We will read your complaint and use it when we look at how political parties use people's data. " +
			"We may not be able to reply to each complaint individually.\n\n" +
			"How we use your information: " + privacy + "\n",
	}
}

// referralText is the email's paragraph about a referral, in lang: the
// referral's own advice, then the body and its web address. When no body
// can act (no name, no address) the advice says so itself.
func referralText(r *triage.Referral, lang, intro, whereTo string) string {
	if r == nil {
		return ""
	}
	text := intro + r.Text.In(lang) + "\n\n"
	if body := r.Body.In(lang); body != "" {
		text += whereTo + body
		if r.URL != "" {
			text += " – " + r.URL
		}
		text += "\n\n"
	}
	return text
}

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	svc   *Service
	days  int
	batch int
}

// Work erases batch by batch until nothing is left or the job's time is
// nearly up; then it snoozes, so the next attempt carries on from the
// batches already committed instead of failing and backing off.
func (w *retentionWorker) Work(ctx context.Context, job *river.Job[RetentionArgs]) error {
	_, more, err := w.svc.ApplyRetentionBatches(audit.WithActor(ctx, audit.Actor{Label: "system"}), w.days, w.batch)
	if err != nil {
		return err
	}
	if more {
		return river.JobSnooze(time.Second)
	}
	return nil
}

// RetentionBatch is how many complaints one retention transaction erases
// by default: small enough that a batch stays well inside the statement
// timeout and holds few row locks, large enough that the nightly run after
// an election takes minutes, not hours.
const RetentionBatch = 1000

// ApplyRetention erases the complainant's details, the evidence and the
// complainant's own account from complaints closed (or, if never closed,
// received) more than days ago, keeping the anonymised complaint. It works
// in batches of RetentionBatch until none is left and returns how many
// complaints it anonymised.
func (s *Service) ApplyRetention(ctx context.Context, days int) (int, error) {
	total := 0
	for {
		n, more, err := s.ApplyRetentionBatches(ctx, days, RetentionBatch)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// ApplyRetentionBatches erases expired complaints as ApplyRetention does,
// batch complaints per transaction (RetentionBatch if batch < 1). Each
// batch commits its erasure and its audit entry together, so work done is
// never lost and a rerun only takes what is left. When ctx has a deadline
// it stops early, with more set, once the time left is under twice the
// slowest batch so far, so a job can snooze rather than be cut off.
func (s *Service) ApplyRetentionBatches(ctx context.Context, days, batch int) (n int, more bool, err error) {
	if batch < 1 {
		batch = RetentionBatch
	}
	var slowest time.Duration
	for {
		if dl, ok := ctx.Deadline(); ok && n > 0 && time.Until(dl) < 2*slowest {
			return n, true, nil
		}
		start := time.Now()
		k, err := s.retentionBatch(ctx, days, batch)
		n += k
		if err != nil || k < batch {
			return n, false, err
		}
		slowest = max(slowest, time.Since(start))
	}
}

// retentionBatch erases up to batch expired complaints in one transaction
// and returns how many it erased.
func (s *Service) retentionBatch(ctx context.Context, days, batch int) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Deleting evidence of a thousand complaints may be slow on a busy
		// disk; the batch is bounded by the job's deadline instead of the
		// pool's statement timeout, so it does not fail every night.
		if err := database.LongWork(ctx, tx); err != nil {
			return err
		}
		// The oldest expired complaints first; SKIP LOCKED lets a second
		// run (another instance, or a rescued job) take other rows
		// instead of waiting on this one's.
		q := dbsqlc.New(tx)
		ids, err := q.AnonymiseExpired(ctx, dbsqlc.AnonymiseExpiredParams{Days: int32(days), BatchSize: int32(batch)})
		if err != nil {
			return err
		}
		n = len(ids)
		if n == 0 {
			return nil
		}
		if err := q.DeleteComplainants(ctx, ids); err != nil {
			return err
		}
		if err := q.DeleteEvidence(ctx, ids); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "complaint.retention", "complaint", "", audit.Change{After: map[string]any{"anonymised": n, "retention_days": days}})
	})
	return n, err
}
