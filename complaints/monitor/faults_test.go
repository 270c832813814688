package monitor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Team messages (alerts and digests) go through the same mail layer as
// letters: one the relay accepted is sent once, at its first attempt, even
// when the relay answers the RSET after it with 421.
func TestTeamMessageAcceptedBeforeTheRelayRefusesRSETIsSentOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := b.jobCtx
	b.smtp.RefuseReset(true)
	b.robocall(t, 1, time.Now().Add(-time.Hour))
	london, _ := time.LoadLocation("Europe/London")
	y, m, d := time.Now().In(london).Date()
	sent, err := b.mon.SendDigests(ctx, time.Date(y, m, d, 9, 0, 0, 0, london))
	require.NoError(t, err)
	require.Len(t, sent, 1)

	b.smtp.WaitFor(t, 2, 15*time.Second)
	// The jobs finishing is the event: completed, or back for a retry.
	require.Eventually(t, func() bool {
		return b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'team_notify' AND state IN ('completed', 'retryable', 'available')`) == 2
	}, 30*time.Second, 20*time.Millisecond)
	require.Equal(t, 2, b.smtp.Faults().ResetsRefused)
	require.Equal(t, 2, b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'team_notify' AND state = 'completed' AND attempt = 1`),
		"each message was recorded as sent at its first attempt")
	require.Equal(t, 2, b.count(t, `SELECT count(*) FROM team_notifications WHERE kind = 'digest' AND sent_at IS NOT NULL`))
	ids := map[string]int{}
	for _, msg := range b.smtp.Messages() {
		ids[strings.Trim(msg.Parsed.MessageID, "<>")]++
	}
	require.Len(t, ids, 2)
	for id, n := range ids {
		require.Equal(t, 1, n, id)
	}
}
