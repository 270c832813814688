package staff

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/jobs"
)

// PurgeArgs is the hourly job that deletes expired sessions and old
// login-failure records.
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
	_, err := w.svc.PurgeLoginFailures(ctx)
	return err
}

// RegisterJobs adds the staff jobs to reg.
func RegisterJobs(reg *jobs.Registry, svc *Service) {
	river.AddWorker(reg.Workers(), &purgeWorker{svc: svc})
	reg.AddPeriodic(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return PurgeArgs{}, nil
	}, true)
}
