package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// NoopArgs is a job that does nothing, optionally for a while. It measures
// River's own throughput in benchmarks and lets shutdown tests hold a job
// in flight.
type NoopArgs struct {
	// Sleep is how long the job takes; zero returns at once.
	Sleep time.Duration `json:"sleep,omitempty"`
}

// Kind implements river.JobArgs.
func (NoopArgs) Kind() string { return "noop" }

// NoopWorker works NoopArgs.
type NoopWorker struct {
	river.WorkerDefaults[NoopArgs]
}

// Work sleeps for the requested time, or until the job is cancelled.
func (w *NoopWorker) Work(ctx context.Context, job *river.Job[NoopArgs]) error {
	if job.Args.Sleep <= 0 {
		return nil
	}
	t := time.NewTimer(job.Args.Sleep)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Timeout lets a long no-op outlive the default job timeout.
func (w *NoopWorker) Timeout(job *river.Job[NoopArgs]) time.Duration {
	return job.Args.Sleep + time.Minute
}
