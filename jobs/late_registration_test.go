package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

type lateArgs struct{}

func (lateArgs) Kind() string { return "late_registration_test" }

type lateWorker struct {
	river.WorkerDefaults[lateArgs]
}

func (lateWorker) Work(context.Context, *river.Job[lateArgs]) error { return nil }

// TestWorkersAndPeriodicJobsRegisteredAfterNewClient is the order the
// composition root uses: the client first, so the services the workers
// need can be given it, then the workers and periodic jobs, then Start.
// A periodic job registered late must still run, and its worker work it.
func TestWorkersAndPeriodicJobsRegisteredAfterNewClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := jobs.NewRegistry()
	client, err := jobs.NewClient(testdb.New(t), reg, jobs.Options{Workers: map[string]int{jobs.QueueDefault: 1}})
	require.NoError(t, err)

	river.AddWorker(reg.Workers(), &lateWorker{})
	reg.AddPeriodic(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) { return lateArgs{}, nil }, true)

	done, cancel := client.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-done:
			if ev.Job.Kind == (lateArgs{}).Kind() {
				return
			}
		case <-timeout:
			t.Fatal("the periodic job registered after NewClient was not worked")
		}
	}
}
