package complaints

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// The nightly retention job, worked as River works it, erases the number
// or address the sender contacted along with the rest of the
// complainant's details, and keeps it until then.
func TestRetentionJobErasesTheNumberContacted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t)
	client, err := jobs.NewClient(pool, jobs.NewRegistry(), jobs.Options{})
	require.NoError(t, err)
	svc := NewService(pool, client)
	submit := func(sender, contacted string) Receipt {
		rc, err := svc.Submit(ctx, Submission{Channel: "sms", ReceivedAt: time.Now().Add(-time.Hour), ReceivedAtHasTime: true,
			Sender: sender, Message: "Vote for us", Source: "web", Contacted: contacted,
			Complainant: &Complainant{Name: "Ann Example", Email: "ann@example.org"}}, Meta{})
		require.NoError(t, err)
		return rc
	}
	old, recent := submit("07700 900111", "07700 900986"), submit("07700 900112", "07700 900987")
	_, err = pool.Exec(ctx, `UPDATE complaints SET created_at = now() - interval '800 days' WHERE id = $1`, old.ComplaintID)
	require.NoError(t, err)

	w := &retentionWorker{svc: svc, days: 730, batch: RetentionBatch}
	tw := rivertest.NewWorker(t, riverpgxv5.New(pool), &river.Config{}, w)
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		res, err := tw.Work(ctx, t, tx, RetentionArgs{}, nil)
		require.NoError(t, err)
		require.Equal(t, river.EventKindJobCompleted, res.EventKind)
		return nil
	}))
	contacted := func(id int64) []string {
		rows, err := pool.Query(ctx, `SELECT contacted FROM complainants WHERE complaint_id = $1`, id)
		require.NoError(t, err)
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return out
	}
	require.Empty(t, contacted(old.ComplaintID), "the expired complaint's number contacted is kept")
	require.Equal(t, []string{"07700 900987"}, contacted(recent.ComplaintID), "the recent complaint's number contacted is erased")
}
