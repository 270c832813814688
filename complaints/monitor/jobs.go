package monitor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints/monitor/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// CheckArgs is the periodic surge check.
type CheckArgs struct{}

// Kind implements river.JobArgs.
func (CheckArgs) Kind() string { return "monitor_check" }

// InsertOpts keeps one check per minute however often it is scheduled.
func (CheckArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

// DigestArgs is the periodic digest run; it writes a digest only once a
// day per election, whatever the schedule.
type DigestArgs struct{}

// Kind implements river.JobArgs.
func (DigestArgs) Kind() string { return "monitor_digest" }

// InsertOpts keeps one run per quarter hour.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 15 * time.Minute}}
}

// NotifyArgs sends one team_notifications row.
type NotifyArgs struct {
	NotificationID int64 `json:"notification_id"`
}

// Kind implements river.JobArgs.
func (NotifyArgs) Kind() string { return "team_notify" }

// InsertOpts puts the message on the mail queue, once.
func (NotifyArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Register adds the monitoring workers and their periodic schedules to reg.
func Register(reg *jobs.Registry, m *Monitor, mailer mail.Sender) {
	RegisterWorkers(reg, m, mailer)
	reg.AddPeriodic(river.PeriodicInterval(m.set.CheckEvery), func() (river.JobArgs, *river.InsertOpts) {
		return CheckArgs{}, nil
	}, true)
	reg.AddPeriodic(river.PeriodicInterval(15*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
		return DigestArgs{}, nil
	}, true)
}

// RegisterWorkers adds the monitoring workers without scheduling the
// check and the digest, for callers (tests) that run them themselves.
func RegisterWorkers(reg *jobs.Registry, m *Monitor, mailer mail.Sender) {
	river.AddWorker(reg.Workers(), &checkWorker{m: m})
	river.AddWorker(reg.Workers(), &digestWorker{m: m})
	river.AddWorker(reg.Workers(), &notifyWorker{m: m, mailer: mailer})
}

type checkWorker struct {
	river.WorkerDefaults[CheckArgs]
	m *Monitor
}

func (w *checkWorker) Work(ctx context.Context, job *river.Job[CheckArgs]) error {
	_, err := w.m.Check(ctx, time.Now())
	return err
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	m *Monitor
}

func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	_, err := w.m.SendDigests(ctx, time.Now())
	return err
}

type notifyWorker struct {
	river.WorkerDefaults[NotifyArgs]
	m      *Monitor
	mailer mail.Sender
}

// Work sends the message unless it was sent already: the row is locked,
// the send happens and sent_at is set in one transaction. The Message-ID
// is fixed per row, so a repeat after a lost commit is recognisable.
func (w *notifyWorker) Work(ctx context.Context, job *river.Job[NotifyArgs]) error {
	tx, err := w.m.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	q := dbsqlc.New(tx)
	n, err := q.LockNotification(ctx, job.Args.NotificationID)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && n.SentAt != nil) {
		return nil
	}
	if err != nil {
		return err
	}
	kind, email, subject, body := n.Kind, n.Email, n.Subject, n.Body
	msg := &mail.Message{
		From: w.m.set.MailFrom, To: []string{email}, Subject: subject, Text: body,
		MessageID: fmt.Sprintf("team-%s-%d@campaignwatch", kind, job.Args.NotificationID),
	}
	if res := w.mailer.Send(ctx, msg)[0]; res.Err != nil {
		if mail.IsPermanent(res.Err) {
			return river.JobCancel(fmt.Errorf("team %s message %d: %w", kind, job.Args.NotificationID, res.Err))
		}
		return res.Err
	}
	if err := q.MarkNotificationSent(ctx, job.Args.NotificationID); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
