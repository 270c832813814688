package jobs

import (
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"
)

func TestRetryPolicyBacksOffWithJitterAndCap(t *testing.T) {
	p := &RetryPolicy{Base: 5 * time.Second, Max: time.Hour}
	for attempt := 1; attempt <= 20; attempt++ {
		job := &rivertype.JobRow{Errors: make([]rivertype.AttemptError, attempt)}
		wait := time.Until(p.NextRetry(job))
		ceiling := min(time.Duration(float64(p.Base)*float64(int64(1)<<(attempt-1))), p.Max)
		require.GreaterOrEqual(t, wait, ceiling/2-time.Second, "attempt %d", attempt)
		require.LessOrEqual(t, wait, ceiling+time.Second, "attempt %d", attempt)
	}
}
