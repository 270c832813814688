package jobs

import (
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"
)

// MaxWait is the ceiling NextRetry draws under, for every number of
// recorded errors, so a promised retry time is never too early.
func TestMaxWaitIsNextRetrysCeiling(t *testing.T) {
	for failures := 0; failures <= 20; failures++ {
		job := &rivertype.JobRow{Errors: make([]rivertype.AttemptError, failures)}
		ceiling := retries.MaxWait(failures)
		for range 50 {
			wait := time.Until(retries.NextRetry(job))
			require.LessOrEqual(t, wait, ceiling, "failures %d", failures)
			require.GreaterOrEqual(t, wait, ceiling/2-time.Second, "failures %d: the ceiling is tight", failures)
		}
	}
	require.Equal(t, 5*time.Second, retries.MaxWait(0))
	require.Equal(t, 5*time.Second, retries.MaxWait(1))
	require.Equal(t, 10*time.Second, retries.MaxWait(2))
	require.Equal(t, time.Hour, retries.MaxWait(40))
}

// A job whose worker died is run again after JOB_RESCUE_AFTER (or its own
// timeout, when longer), the rescuer's interval, its backoff, the
// scheduler's interval and a poll.
func TestRescuedBy(t *testing.T) {
	at := time.Date(2026, 6, 10, 13, 2, 0, 0, time.UTC)
	require.Equal(t, at.Add(5*time.Minute+30*time.Second+5*time.Second+5*time.Second+time.Second),
		RescuedBy(at, 5*time.Minute, 2*time.Minute, 0))
	require.Equal(t, at.Add(2*time.Minute+30*time.Second+10*time.Second+5*time.Second+time.Second),
		RescuedBy(at, time.Minute, 2*time.Minute, 2), "the job's own timeout is longer")
	require.Equal(t, at.Add(time.Hour+30*time.Second+5*time.Second+5*time.Second+time.Second),
		RescuedBy(at, 0, time.Minute, 0), "River's default")
}
