package staff

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// PurgeArgs is the hourly job that deletes expired sessions and old
// sign-in throttle records.
type PurgeArgs struct{}

// Kind implements river.JobArgs.
func (PurgeArgs) Kind() string { return "staff_purge" }

// InsertOpts makes the job unique per hour, so however many instances
// schedule it, it runs once.
func (PurgeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
}

type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	svc *Service
}

func (w *purgeWorker) Work(ctx context.Context, job *river.Job[PurgeArgs]) error {
	if _, err := w.svc.PurgeSessions(ctx); err != nil {
		return err
	}
	_, err := w.svc.PurgeLoginThrottle(ctx)
	return err
}

// RegisterJobs adds the staff jobs to reg: the hourly purge, and the
// sign-in alerts to administrators, sent through mailer from the address
// from.
func RegisterJobs(reg *jobs.Registry, svc *Service, mailer mail.Sender, from string) {
	river.AddWorker(reg.Workers(), &purgeWorker{svc: svc})
	river.AddWorker(reg.Workers(), &signInAlertWorker{svc: svc, mailer: mailer, from: from})
	reg.AddPeriodic(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return PurgeArgs{}, nil
	}, true)
}
