package outreach_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// TestSendingAttemptFollowsTheLettersOwnSendJob checks that a letter left
// "sending" is matched to its own send job in River's job list (not to
// another letter's), and that the retry time follows that job's state.
func TestSendingAttemptFollowsTheLettersOwnSendJob(t *testing.T) {
	e := newEnv(t, outreach.Settings{})
	ctx := e.user(staff.RolePoliticalTeam, 1)
	res, err := callConfirmed(ctx, e.svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "NI", NameCY: "Etholiad Gogledd Iwerddon", Type: "ni_assembly", PollingDay: date("2099-05-01")}})
	require.NoError(t, err)
	st, err := e.svc.Status(ctx, res.ElectionID)
	require.NoError(t, err)
	var ids []int64
	for _, p := range st.Parties {
		for _, l := range p.Letters {
			ids = append(ids, l.ID)
		}
	}
	require.GreaterOrEqual(t, len(ids), 2)
	mine, other := ids[0], ids[1]

	l, err := e.svc.Letter(ctx, mine)
	require.NoError(t, err)
	got, err := e.svc.SendingAttempt(ctx, l)
	require.NoError(t, err)
	require.Nil(t, got, "a queued letter has no attempt")

	// Where a killed worker leaves a letter; the other letter's job runs.
	_, err = e.pool.Exec(ctx, `UPDATE letters SET state = 'sending', sending_at = now() WHERE id = $1`, mine)
	require.NoError(t, err)
	_, err = e.pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempted_at = now(), attempt = 1
WHERE kind = 'outreach.send_letter' AND (args->>'letter_id')::bigint = $1`, other)
	require.NoError(t, err)
	l, err = e.svc.Letter(ctx, mine)
	require.NoError(t, err)
	var scheduledAt time.Time
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT scheduled_at FROM river_job
WHERE kind = 'outreach.send_letter' AND (args->>'letter_id')::bigint = $1`, mine).Scan(&scheduledAt))
	got, err = e.svc.SendingAttempt(ctx, l)
	require.NoError(t, err)
	require.NotNil(t, got)
	require.True(t, got.Waiting, "its own job waits, whatever the other letter's does")
	require.True(t, got.Since.Equal(*l.SendingAt))
	require.True(t, got.RetryBy.Equal(jobs.RetriedBy(scheduledAt)), "retry by %v, want %v", got.RetryBy, jobs.RetriedBy(scheduledAt))

	// Its own job running: River rescues it if the worker died.
	var attemptedAt time.Time
	require.NoError(t, e.pool.QueryRow(ctx, `UPDATE river_job SET state = 'running', attempted_at = now(), attempt = 1
WHERE kind = 'outreach.send_letter' AND (args->>'letter_id')::bigint = $1 RETURNING attempted_at`, mine).Scan(&attemptedAt))
	got, err = e.svc.SendingAttempt(ctx, l)
	require.NoError(t, err)
	require.NotNil(t, got)
	require.False(t, got.Waiting)
	want := jobs.RescuedBy(attemptedAt, 0, 2*time.Minute, 0)
	require.True(t, got.RetryBy.Equal(want), "retry by %v, want %v", got.RetryBy, want)

	// Its job finished: nothing will try the letter again.
	_, err = e.pool.Exec(ctx, `UPDATE river_job SET state = 'completed', finalized_at = now()
WHERE kind = 'outreach.send_letter' AND (args->>'letter_id')::bigint = $1`, mine)
	require.NoError(t, err)
	got, err = e.svc.SendingAttempt(ctx, l)
	require.NoError(t, err)
	require.Nil(t, got)
}
