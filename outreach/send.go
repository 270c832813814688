package outreach

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"golang.org/x/time/rate"

	imail "github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
)

// SendArgs is the job that sends one letter. Round counts resends: a
// resent letter gets a new job, still unique per letter and round.
type SendArgs struct {
	LetterID int64 `json:"letter_id"`
	Round    int   `json:"round"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "outreach.send_letter" }

// InsertOpts puts the job on the mail queue, once per letter and round.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueMail, MaxAttempts: 20, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendWorker sends letters. One worker value serves all of a process's
// mail workers, so its limiter caps the whole process's send rate.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	svc     *Service
	mailer  imail.Sender
	limiter *rate.Limiter
}

// NewSendWorker returns the worker; ratePerSecond 0 means no limit.
func NewSendWorker(svc *Service, mailer imail.Sender, ratePerSecond float64) *SendWorker {
	lim := rate.NewLimiter(rate.Inf, 1)
	if ratePerSecond > 0 {
		lim = rate.NewLimiter(rate.Limit(ratePerSecond), max(1, int(ratePerSecond)))
	}
	return &SendWorker{svc: svc, mailer: mailer, limiter: lim}
}

// RegisterJobs adds the letter-sending worker to reg.
func RegisterJobs(reg *jobs.Registry, svc *Service, mailer imail.Sender) {
	river.AddWorker(reg.Workers(), NewSendWorker(svc, mailer, svc.settings.MailRate))
}

// Timeout bounds one attempt: waiting for the rate limiter plus one SMTP
// conversation.
func (w *SendWorker) Timeout(*river.Job[SendArgs]) time.Duration { return sendTimeout }

const sendTimeout = 2 * time.Minute

// SendingAttempt is where a letter in "sending" stands: since when, and
// the latest time by which River will have tried it again if the worker
// sending it stopped (a killed process leaves it so).
type SendingAttempt struct {
	Since   time.Time
	RetryBy time.Time
	// Waiting is true when no attempt is running: the last one stopped
	// and River has the next one scheduled.
	Waiting bool
}

//go:embed send_jobs.sql
var sendJobsSQL string

// sendJobs holds the condition that picks one letter's send jobs out of
// River's job list.
var sendJobs = sqlfilter.MustParse("send_jobs.sql", sendJobsSQL)

// unfinishedJobStates are the states of a send job that will still run.
var unfinishedJobStates = []rivertype.JobState{
	rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateAvailable, rivertype.JobStateScheduled,
}

// SendingAttempt returns where letter stands if it is "sending" and its
// send job is unfinished, else nil. It asks River for the letter's newest
// unfinished send job.
func (s *Service) SendingAttempt(ctx context.Context, l *Letter) (*SendingAttempt, error) {
	if l.State != "sending" || l.SendingAt == nil {
		return nil, nil
	}
	res, err := s.jobs.JobList(ctx, river.NewJobListParams().
		Kinds(SendArgs{}.Kind()).
		States(unfinishedJobStates...).
		Where(sendJobs.Query("letter"), river.NamedArgs{"letter_id": l.ID}).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).
		First(1))
	if err != nil {
		return nil, err
	}
	if len(res.Jobs) == 0 {
		return nil, nil
	}
	job := res.Jobs[0]
	a := &SendingAttempt{Since: *l.SendingAt}
	if job.State == rivertype.JobStateRunning && job.AttemptedAt != nil {
		a.RetryBy = jobs.RescuedBy(*job.AttemptedAt, s.settings.RescueAfter, sendTimeout, len(job.Errors))
	} else {
		a.Waiting, a.RetryBy = true, jobs.RetriedBy(job.ScheduledAt)
	}
	return a, nil
}

// outgoing is what the worker loads to send a letter.
type outgoing struct {
	reference, email, subject, html, text, messageID string
	pdf                                              []byte
	// extraName and extra are a second attachment (a follow-up letter's
	// report); extra is nil for letters without one.
	extraName string
	extra     []byte
}

// Work sends one letter. See the package documentation for why a letter
// is sent at most once except in one narrow window.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	l, ok, err := w.svc.beginSend(ctx, job.Args)
	if err != nil || !ok {
		return err
	}
	if err := w.limiter.Wait(ctx); err != nil {
		return w.svc.sendFailed(ctx, job, fmt.Errorf("waiting for the send rate limiter: %w", err), false)
	}
	// Replies go to the contact mailbox in the settings in force, which
	// may have changed since the letter was written.
	replyTo := w.svc.settings.ContactMailbox
	if org, err := w.svc.settings.Org.Current(ctx); err == nil && org.ContactMailbox != "" {
		replyTo = org.ContactMailbox
	}
	msg := &imail.Message{
		From:      w.svc.settings.MailFrom,
		To:        []string{l.email},
		ReplyTo:   replyTo,
		Subject:   l.subject,
		Text:      l.text,
		HTML:      l.html,
		MessageID: l.messageID,
		Headers:   map[string]string{"X-Campaignwatch-Reference": l.reference},
		Attachments: []imail.Attachment{{
			Filename: pdfName(l.reference), ContentType: "application/pdf", Data: l.pdf,
		}},
	}
	if l.extra != nil {
		msg.Attachments = append(msg.Attachments, imail.Attachment{Filename: l.extraName, ContentType: "application/pdf", Data: l.extra})
	}
	res := w.mailer.Send(ctx, msg)[0]
	if res.Err != nil {
		return w.svc.sendFailed(ctx, job, res.Err, imail.IsPermanent(res.Err))
	}
	// The window: the server has the message; until this commits, a kill
	// would leave the letter "sending" and River would send it again. The
	// update runs even if the job's context was cancelled meanwhile (a
	// graceful shutdown), so only a real kill can leave that gap open.
	dbctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return w.svc.q.MarkLetterSent(dbctx, dbsqlc.MarkLetterSentParams{ID: job.Args.LetterID, Reply: res.Reply})
}

// pdfName is the attachment's file name, from the reference.
func pdfName(ref string) string {
	b := []byte(ref)
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '-'
		}
	}
	return "letter-" + string(b) + ".pdf"
}

// beginSend moves a letter to "sending" and loads it, in one statement
// and one round trip. The UPDATE locks the row, so of two jobs racing for
// one letter the second waits and then re-checks the WHERE clause against
// the committed row. It returns ok=false for a letter that must not be
// sent (already sent, failed, cancelled, held, or belonging to an older
// round). "sending" is accepted because that is where a killed worker
// leaves a letter: see the package documentation.
func (s *Service) beginSend(ctx context.Context, a SendArgs) (outgoing, bool, error) {
	r, err := s.q.BeginSend(ctx, dbsqlc.BeginSendParams{ID: a.LetterID, SendRound: int32(a.Round)})
	if errors.Is(err, pgx.ErrNoRows) {
		return outgoing{}, false, nil
	}
	if err != nil {
		return outgoing{}, false, err
	}
	return outgoing{reference: r.Reference, email: r.RecipientEmail, subject: r.Subject, html: r.BodyHtml, text: r.BodyText,
		messageID: r.MessageID, pdf: r.Pdf, extraName: r.AttachmentName, extra: r.Attachment}, true, nil
}

// sendFailed records a failed attempt. A permanent failure (5xx), or the
// last attempt, marks the letter failed and stops; otherwise the letter
// goes back to queued and River retries with backoff.
func (s *Service) sendFailed(ctx context.Context, job *river.Job[SendArgs], cause error, permanent bool) error {
	reply := cause.Error()
	var se *imail.SendError
	if errors.As(cause, &se) && se.Reply != "" {
		reply = se.Reply
		if se.Code != 0 {
			reply = fmt.Sprintf("%d %s", se.Code, se.Reply)
		}
	}
	final := permanent || job.Attempt >= job.MaxAttempts
	// The context may be the one that expired; record the outcome anyway.
	dbctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var err error
	if final {
		err = s.q.MarkLetterFailed(dbctx, dbsqlc.MarkLetterFailedParams{ID: job.Args.LetterID, Reply: reply})
	} else {
		err = s.q.RequeueLetter(dbctx, dbsqlc.RequeueLetterParams{ID: job.Args.LetterID, Reply: reply})
	}
	if err != nil {
		return err
	}
	if permanent {
		return river.JobCancel(cause)
	}
	return cause
}
