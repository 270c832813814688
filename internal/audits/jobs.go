package audits

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/jobs"
)

// DigestArgs is the periodic run of the overdue digest; it writes a
// digest at most once a day, whatever the schedule.
type DigestArgs struct{}

// Kind implements river.JobArgs.
func (DigestArgs) Kind() string { return "audit_overdue_digest" }

// InsertOpts keeps one run per quarter hour.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 15 * time.Minute}}
}

// RegisterJobs adds the audit programme's workers and periodic jobs (the
// daily overdue digest, tried every quarter hour) to reg. The digest's
// emails are team_notifications sent by the monitoring's message worker
// (complaints/monitor), which the composition root registers too.
func RegisterJobs(reg *jobs.Registry, s *Service) {
	RegisterWorkers(reg, s)
	reg.AddPeriodic(river.PeriodicInterval(15*time.Minute), func() (river.JobArgs, *river.InsertOpts) {
		return DigestArgs{}, nil
	}, true)
}

// RegisterWorkers adds the workers without the schedule, for tests that
// queue the digest themselves.
func RegisterWorkers(reg *jobs.Registry, s *Service) {
	river.AddWorker(reg.Workers(), &digestWorker{s: s})
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	s *Service
}

func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	_, err := w.s.SendOverdueDigest(ctx, time.Now())
	return err
}
