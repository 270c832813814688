package web_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkIntakeToTriage measures the delay from a complaint's intake to
// its stored triage result while 32 clients POST complaints as in
// BenchmarkCreateComplaintAPI, with real River workers running the real
// triage pipeline (as `campaignwatch serve` registers it) in the same
// process and on the same pool, with the production worker counts
// (WORKERS_DEFAULT and friends apply). The delay is
// triage_results.created_at minus complaints.created_at; complaints still
// untriaged when the queue has had CW_BENCH_DRAIN_SECONDS (default 60) to
// drain count as failures.
func BenchmarkIntakeToTriage(b *testing.B) {
	const clients = 32
	srvURL, pool, workers := triagingServer(b)

	dur := 30 * time.Second
	if v, err := strconv.Atoi(os.Getenv("CW_BENCH_SECONDS")); err == nil && v > 0 {
		dur = time.Duration(v) * time.Second
	}
	drain := 60 * time.Second
	if v, err := strconv.Atoi(os.Getenv("CW_BENCH_DRAIN_SECONDS")); err == nil && v > 0 {
		drain = time.Duration(v) * time.Second
	}
	b.ResetTimer()
	all, failures, elapsed := postComplaints(b, srvURL, clients, dur)
	ctx := context.Background()
	var duringLoad int
	if err := pool.QueryRow(ctx, `SELECT count(DISTINCT complaint_id) FROM triage_results`).Scan(&duringLoad); err != nil {
		b.Fatal(err)
	}
	drainStart := time.Now()
	var pending int
	for end := time.Now().Add(drain); ; time.Sleep(200 * time.Millisecond) {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM complaints c
			WHERE NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id)`).Scan(&pending); err != nil {
			b.Fatal(err)
		}
		if pending == 0 || time.Now().After(end) {
			break
		}
	}
	drained := time.Since(drainStart)
	b.StopTimer()
	b.Logf("triaged while the load ran: %d (%.0f/s); the rest (%d) in %s after it",
		duringLoad, float64(duringLoad)/elapsed.Seconds(), len(all)-duringLoad, drained.Round(time.Millisecond))
	if len(all) == 0 {
		b.Fatalf("no request succeeded (%d failures)", failures)
	}
	states := map[string]int{}
	if rows, err := pool.Query(ctx, `SELECT state::text, count(*) FROM river_job WHERE kind = 'complaint_triage' GROUP BY 1`); err == nil {
		for rows.Next() {
			var st string
			var n int
			if rows.Scan(&st, &n) == nil {
				states[st] = n
			}
		}
		rows.Close()
	}
	var lastErr string
	_ = pool.QueryRow(ctx, `SELECT coalesce(errors[array_length(errors, 1)]->>'error', '') FROM river_job
		WHERE kind = 'complaint_triage' AND errors IS NOT NULL LIMIT 1`).Scan(&lastErr)
	b.Logf("triage jobs by state: %v; an error: %q", states, lastErr)
	var p50, p99, maxDelay float64
	var triaged int
	if err := pool.QueryRow(ctx, `
		WITH d AS (
			SELECT extract(epoch FROM min(t.created_at) - c.created_at) * 1000 AS ms
			FROM complaints c JOIN triage_results t ON t.complaint_id = c.id
			GROUP BY c.id, c.created_at)
		SELECT count(*), coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), 0),
			coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), 0), coalesce(max(ms), 0) FROM d`).Scan(&triaged, &p50, &p99, &maxDelay); err != nil {
		b.Fatal(err)
	}
	rps := float64(len(all)) / elapsed.Seconds()
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(p50, "triage_p50_ms")
	b.ReportMetric(p99, "triage_p99_ms")
	b.ReportMetric(maxDelay, "triage_max_ms")
	b.ReportMetric(float64(pending), "untriaged")
	b.Logf("intake: %d complaints in %s (%.0f req/s, %d failures); triaged %d, p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d untriaged after %s; workers %v",
		len(all), elapsed.Round(time.Millisecond), rps, failures, triaged, p50, p99, maxDelay, pending, drain, workers)
	if pending > 0 {
		b.Errorf("%d complaints were still untriaged %s after the load stopped", pending, drain)
	}
}
