package jobs

import (
	"time"

	"github.com/riverqueue/river"
)

// River's maintenance intervals, which the client leaves at their defaults:
// how often the leader looks for stuck jobs, and how often it makes due
// retries available to the workers.
const (
	RescuerInterval   = 30 * time.Second
	SchedulerInterval = 5 * time.Second
)

// retries is the retry policy of every job.
var retries = RetryPolicy{Base: 5 * time.Second, Max: time.Hour}

// MaxWait is the longest NextRetry waits for a job with failures errors
// recorded (NextRetry counts no errors as one).
func (p *RetryPolicy) MaxWait(failures int) time.Duration {
	d := p.Base
	for i := 1; i < max(failures, 1) && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// RescuedBy is the latest time by which River runs again a job whose
// attempt started at attemptedAt, after failures earlier failed attempts,
// if the worker running it died. River finds the job stuck once it has run
// for rescueAfter (JOB_RESCUE_AFTER) and for the job's own timeout, at the
// rescuer's next run; the job then waits its retry backoff and is made
// available at the scheduler's next run and fetched at the next poll.
func RescuedBy(attemptedAt time.Time, rescueAfter, jobTimeout time.Duration, failures int) time.Time {
	if rescueAfter <= 0 {
		rescueAfter = time.Hour // River's default
	}
	stuck := attemptedAt.Add(max(rescueAfter, jobTimeout))
	return RetriedBy(stuck.Add(RescuerInterval).Add(retries.MaxWait(failures)))
}

// RetriedBy is the latest time by which River runs a job scheduled for
// scheduledAt: the scheduler's next run, then the workers' next poll.
func RetriedBy(scheduledAt time.Time) time.Time {
	return scheduledAt.Add(SchedulerInterval).Add(river.FetchPollIntervalDefault)
}
