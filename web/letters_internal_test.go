package web

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/outreach"
)

// The note covers the three ways a "sending" letter can stand, in UK
// time, never promising a retry earlier than River will make it.
func TestSendingNote(t *testing.T) {
	now := time.Date(2026, 6, 10, 13, 5, 0, 0, time.UTC) // 14:05 in London
	since := time.Date(2026, 6, 10, 13, 2, 10, 0, time.UTC)
	retry := time.Date(2026, 6, 10, 13, 7, 51, 0, time.UTC)
	require.Empty(t, sendingNote(nil, now))
	require.Equal(t, "Sending since 14:02. If the sender stopped, it will be retried automatically by about 14:08.",
		sendingNote(&outreach.SendingAttempt{Since: since, RetryBy: retry}, now))
	require.Equal(t, "Sending since 14:02. The last attempt stopped; it will be retried automatically by about 14:08.",
		sendingNote(&outreach.SendingAttempt{Since: since, RetryBy: retry, Waiting: true}, now))
	require.Equal(t, "Sending since 14:02. It should have been retried automatically by 14:08. If it is still sending, ask an administrator to check the job queue.",
		sendingNote(&outreach.SendingAttempt{Since: since, RetryBy: retry}, retry.Add(time.Second)))
	require.Equal(t, "Sending since 23:50. If the sender stopped, it will be retried automatically by about 00:00 on 10 June.",
		sendingNote(&outreach.SendingAttempt{Since: time.Date(2026, 6, 9, 22, 50, 0, 0, time.UTC), RetryBy: time.Date(2026, 6, 9, 23, 0, 0, 0, time.UTC)},
			time.Date(2026, 6, 9, 23, 0, 0, 0, time.UTC).Add(-time.Second)))
}
