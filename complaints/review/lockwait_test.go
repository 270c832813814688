package review_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// waitingPastLockTimeout is true once a backend has waited for an advisory
// lock for more than four times the pool's lock_timeout.
const waitingPastLockTimeout = `
SELECT EXISTS (
	SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
	WHERE l.locktype = 'advisory' AND NOT l.granted
	  AND clock_timestamp() - a.query_start > 4 * $1::interval)`

// TestTriageWaitsForBandLocksPastLockTimeout proves a triage batch queued
// on a text band held by another batch (as every batch is on a surge of
// one text) waits for it beyond the pool's lock_timeout, bounded by the
// job, instead of failing with 55P03 and going into backoff.
func TestTriageWaitsForBandLocksPastLockTimeout(t *testing.T) {
	lockTimeout := 50 * time.Millisecond
	pool := testdb.NewWithTimeouts(t, database.Timeouts{Statement: 10 * time.Second, Lock: lockTimeout, IdleInTx: time.Minute})
	b := setupOn(t, pool, false)
	ctx := context.Background()
	msg := "Vote for Example Party on Thursday, your local champions for the high street!"
	rc := b.submit(t, sms("07700 900123", msg, time.Now().Add(-time.Hour)))

	// Another batch holds every band of the text.
	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(ctx)
	_, err = holder.Exec(ctx, `SELECT pg_advisory_xact_lock(b) FROM unnest($1::bigint[]) AS u(b)`, review.Bands(review.Shingles(msg)))
	require.NoError(t, err)

	jobCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := b.pipeline.TriageBatch(jobCtx, rc.ComplaintID)
		done <- err
	}()
	for waited := false; !waited; {
		select {
		case err := <-done:
			require.Failf(t, "triage did not wait", "triage ended while the bands were held: %v", err)
		default:
		}
		require.NoError(t, pool.QueryRow(ctx, waitingPastLockTimeout, lockTimeout.String()).Scan(&waited))
	}
	require.NoError(t, holder.Rollback(ctx))
	require.NoError(t, <-done)
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM triage_results WHERE complaint_id = $1`, rc.ComplaintID))
}

// TestTriageJobSnoozesWhenItsComplaintStaysLocked proves a triage job that
// waits on its own complaint past lock_timeout (another batch holds it for
// long on a surge) snoozes to run again soon instead of failing into
// backoff.
func TestTriageJobSnoozesWhenItsComplaintStaysLocked(t *testing.T) {
	pool := testdb.NewWithTimeouts(t, database.Timeouts{Statement: 10 * time.Second, Lock: 50 * time.Millisecond, IdleInTx: time.Minute})
	b := setupOn(t, pool, false)
	ctx := context.Background()
	rc := b.submit(t, sms("07700 900123", "Vote for Example Party on Thursday!", time.Now().Add(-time.Hour)))

	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(ctx)
	_, err = holder.Exec(ctx, `SELECT 1 FROM complaints WHERE id = $1 FOR UPDATE`, rc.ComplaintID)
	require.NoError(t, err)

	w := &review.TriageWorker{Pipeline: b.pipeline}
	err = w.Work(ctx, &river.Job[complaints.TriageArgs]{JobRow: &rivertype.JobRow{}, Args: complaints.TriageArgs{ComplaintID: rc.ComplaintID}})
	var snooze *river.JobSnoozeError
	require.ErrorAs(t, err, &snooze)
}
