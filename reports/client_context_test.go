package reports_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/reports"
)

type requestArgs struct{}

func (requestArgs) Kind() string { return "test_request_export" }

// requestWorker asks for an export from inside a job.
type requestWorker struct {
	river.WorkerDefaults[requestArgs]
	svc *reports.Service
	id  int64
}

func (w *requestWorker) Work(ctx context.Context, job *river.Job[requestArgs]) error {
	var err error
	w.id, err = w.svc.RequestExport(ctx, nil, reports.Filter{From: time.Now().AddDate(0, 0, -7), To: time.Now()}, reports.FormatCSV)
	return err
}

// A service built without a job client queues from inside a job with the
// River client working that job.
func TestServiceWithoutClientQueuesWithTheJobsClient(t *testing.T) {
	t.Parallel()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	pool := testdb.New(t)
	w := &requestWorker{svc: reports.NewService(pool, nil, reports.Settings{})}
	driver := riverpgxv5.New(pool)
	tw := rivertest.NewWorker(t, driver, &river.Config{}, w)
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		res, err := tw.Work(ctx, t, tx, requestArgs{}, nil)
		require.NoError(t, err)
		require.Equal(t, river.EventKindJobCompleted, res.EventKind)
		return nil
	}))
	require.NotZero(t, w.id)
	job := rivertest.RequireInserted(ctx, t, driver, reports.ExportArgs{}, nil)
	require.Equal(t, w.id, job.Args.ExportID)

	_, err := reports.NewService(pool, nil, reports.Settings{}).RequestExport(ctx, nil, reports.Filter{From: time.Now(), To: time.Now()}, reports.FormatCSV)
	require.ErrorContains(t, err, "job client", "outside a job there is no client to fall back on")
}
