package review_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/jobs"
)

// insertOnlyJobs is the insert-only River client the composition root
// passes to services that enqueue jobs (staff, outreach): it enqueues in
// the caller's transaction and works nothing.
func insertOnlyJobs(tb testing.TB, pool *pgxpool.Pool) *jobs.Client {
	tb.Helper()
	c, err := jobs.NewClient(pool, jobs.NewRegistry(), jobs.Options{})
	if err != nil {
		tb.Fatalf("jobs client: %v", err)
	}
	return c
}
