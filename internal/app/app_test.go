package app_test

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/reports"
)

func open(t *testing.T, opts app.Options) *app.App {
	t.Helper()
	vars := map[string]string{
		"SESSION_SECRET": "test-secret-test-secret-test-secret-0123",
		"VAR_DIR":        t.TempDir(),
		"LOG_LEVEL":      "error",
	}
	opts.Getenv = func(k string) string { return vars[k] }
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.DatabaseURL = testdb.NewURL(t)
	a, err := app.Load(opts)
	require.NoError(t, err)
	require.NoError(t, a.Open(context.Background()))
	t.Cleanup(a.Close)
	return a
}

// TestOpenBuildsEveryPart guards against a part left unbuilt: a process
// that serves web pages and works jobs has every one.
func TestOpenBuildsEveryPart(t *testing.T) {
	t.Parallel()
	a := open(t, app.Options{WorkJobs: true, Web: true})
	v := reflect.ValueOf(a).Elem()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		if !v.Type().Field(i).IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Func, reflect.Map:
			require.False(t, f.IsNil(), "App.%s is not built", name)
		}
	}
	require.Same(t, a.Pool, a.TriageSource.Pool)
	// Intake refers out-of-scope complaints with the rulebook in force.
	r, ok := a.Complaints.Referral("electoral_registration")
	require.True(t, ok, "the complaints service has no referrer")
	got, ok := a.Rulebook.Referral("electoral_registration")
	require.True(t, ok)
	require.Equal(t, got.Text, r.Text)
}

// TestFeatureJobsRegisteredAfterTheClientRun checks the order Open builds
// in (the client, then the services, then their workers and periodic
// jobs) leaves nothing out: a feature's periodic job, registered after the
// client was built, runs when the application starts.
func TestFeatureJobsRegisteredAfterTheClientRun(t *testing.T) {
	t.Parallel()
	a := open(t, app.Options{WorkJobs: true})
	done, cancel := a.Jobs.Subscribe(river.EventKindJobCompleted)
	defer cancel()
	require.NoError(t, a.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, a.Stop(context.Background())) })
	want := (reports.CleanupArgs{}).Kind() // periodic, run on start
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-done:
			if ev.Job.Kind == want {
				return
			}
		case <-timeout:
			t.Fatalf("no %s job was worked", want)
		}
	}
}

// TestACommandStartsNoWorkers: without WorkJobs the client only inserts
// jobs, so Start must not start it (River refuses to start a client with
// no queues) and Stop has nothing to stop.
func TestACommandStartsNoWorkers(t *testing.T) {
	t.Parallel()
	a := open(t, app.Options{})
	require.Nil(t, a.Web)
	require.NoError(t, a.Start(context.Background()))
	require.NoError(t, a.Stop(context.Background()))
	require.NoError(t, a.EnsureMigrated(context.Background(), false))
}
