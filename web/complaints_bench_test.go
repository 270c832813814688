package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/pgcluster"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/web"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// BenchmarkCreateComplaintAPI measures sustained POST /api/v1/complaints
// on loopback: 32 clients, each request committing a complaint and its
// triage job. With -benchtime 1x (as `make bench` runs it) it runs for a
// fixed 30 s (CW_BENCH_SECONDS overrides), then runs pgbench on the same
// database for as long, with as many clients, twice: a one-row insert
// transaction (the complaint alone) and the fair baseline, a two-row
// transaction that also inserts the triage job as River does. It reports
// the API's rate as a share of each; the target is at least 50% of the
// two-row baseline.
func BenchmarkCreateComplaintAPI(b *testing.B) {
	const clients = 32
	env := webtest.New(b, webtest.Options{Env: map[string]string{"COMPLAINT_RATE": "100000000", "COMPLAINT_BURST": "100000000"}})
	// Serve from a pool sized as in production (database.Open: at least
	// 20 connections); the test harness's default pool is smaller.
	srvURL, _ := productionLikeServer(b, env, func(*pgxpool.Pool) *jobs.Registry { return jobs.NewRegistry() }, jobs.Options{})
	dur := 30 * time.Second
	if v, err := strconv.Atoi(os.Getenv("CW_BENCH_SECONDS")); err == nil && v > 0 {
		dur = time.Duration(v) * time.Second
	}
	// Warm up first, as pgbench's figure leaves out its connection time:
	// the pool's connections are opened and their statements prepared
	// before the clock starts.
	warm, _, _ := postComplaints(b, srvURL, clients, benchWarmUp)
	b.ResetTimer()
	all, failures, elapsed := postComplaints(b, srvURL, clients, dur)
	b.StopTimer()
	if len(all) == 0 {
		b.Fatalf("no request succeeded (%d failures)", failures)
	}
	rps := float64(len(all)) / elapsed.Seconds()
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(failures), "failures")
	var stored, jobs int
	ctx := context.Background()
	_ = env.Pool.QueryRow(ctx, `SELECT count(*) FROM complaints`).Scan(&stored)
	_ = env.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'complaint_triage'`).Scan(&jobs)
	if stored != len(warm)+len(all) || jobs != stored {
		b.Fatalf("%d answered 201 but %d complaints and %d triage jobs stored", len(warm)+len(all), stored, jobs)
	}
	b.Logf("API: %d complaints in %s: %.0f req/s, p50 %.1f ms, p99 %.1f ms, %d failures",
		len(all), elapsed.Round(time.Millisecond), rps, pct(0.5), pct(0.99), failures)

	tps, err := runPgbench(b, env, pgbenchOneRow, clients, elapsed)
	if err != nil {
		b.Fatalf("pgbench: %v", err)
	}
	b.ReportMetric(tps, "pgbench_tps")
	b.ReportMetric(100*rps/tps, "pct_of_pgbench")
	b.Logf("pgbench one-row insert: %.0f tps; the API reaches %.0f%% of it", tps, 100*rps/tps)
	tps2, err := runPgbench(b, env, pgbenchTwoRows, clients, elapsed)
	if err != nil {
		b.Fatalf("pgbench: %v", err)
	}
	b.ReportMetric(tps2, "pgbench2_tps")
	b.ReportMetric(100*rps/tps2, "pct_of_pgbench2")
	b.Logf("pgbench two-row insert (complaint and River job): %.0f tps; the API reaches %.0f%% of it (target 50%%)", tps2, 100*rps/tps2)
}

// benchMessages numbers the benchmark's complaints across runs in one
// process, so a run after a warm-up sends new complaints, not repeats.
var benchMessages atomic.Int64

// postComplaints keeps clients concurrent clients POSTing complaints to
// srvURL for dur (or b.N requests in all when b.N > 1), and returns the
// latencies of the 201 answers, sorted, and the number of other outcomes.
func postComplaints(b *testing.B, srvURL string, clients int, dur time.Duration) ([]time.Duration, int64, time.Duration) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	defer tr.CloseIdleConnections()
	day := time.Now().Format("2006-01-02")

	var seq, failures atomic.Int64
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(dur)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for {
				n := seq.Add(1)
				if b.N > 1 && n > int64(b.N) || b.N == 1 && time.Now().After(deadline) {
					return
				}
				m := benchMessages.Add(1)
				body := fmt.Sprintf(`{"channel":"sms","received_at":%q,"sender":"07700 9%05d","message":"Bench message %d","consent":"no","opted_out":true}`, day, m%100000, m)
				t0 := time.Now()
				res, err := hc.Post(srvURL+"/api/v1/complaints", "application/json", strings.NewReader(body))
				if err != nil {
					failures.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					failures.Add(1)
					continue
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return all, failures.Load(), elapsed
}

// productionLikeServer serves the API from a pool opened as production
// opens it (database.Open, sized as database.Connect sizes it and with
// the configuration's timeouts, as production's) and a River client built from
// registry(pool) and opts; with opts.Workers set the client works jobs too.
func productionLikeServer(b *testing.B, env *webtest.Env, registry func(*pgxpool.Pool) *jobs.Registry, opts jobs.Options) (string, *pgxpool.Pool) {
	ctx := context.Background()
	// As database.Connect sizes it for `campaignwatch serve`: two
	// connections a configured worker plus ten, and never fewer than 20.
	workers := 0
	for _, n := range env.Config.Workers {
		workers += n
	}
	pool, err := database.Open(ctx, env.Pool.Config().ConnString(), 2*workers+10, database.TimeoutsOf(env.Config))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Workers != nil {
		// As `serve` does, River's own queries use a pool of their own.
		riverPool, err := database.OpenJobs(ctx, pool)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(riverPool.Close)
		opts.RiverPool = riverPool
	}
	client, err := jobs.NewClient(pool, registry(pool), opts)
	if err != nil {
		b.Fatal(err)
	}
	if opts.Workers != nil {
		if err := client.Start(ctx); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = client.Stop(stopCtx)
		})
	}
	w, err := web.New(web.Deps{Config: env.Config, Pool: pool, Staff: env.Staff, Metrics: env.Metrics,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Complaints: complaints.NewService(pool, client)})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(w.Handler())
	b.Cleanup(srv.Close)
	return srv.URL, pool
}

// benchWarmUp is how long the API and pgbench each run before they are
// measured.
const benchWarmUp = 3 * time.Second

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbenchComplaint inserts the row a benchmark request stores (same
// values) into a table made LIKE complaints (same columns, defaults,
// checks and indexes; foreign keys are not copied, and the benchmark's
// rows have no party or election to check). ON CONFLICT DO NOTHING only
// keeps the baseline running through the rare reference collision, which
// the service answers by trying again with a new reference.
const pgbenchComplaint = `INSERT INTO pgbench_complaints (reference, source, channel, party_text, received_at, received_at_has_time, sender,
    sender_normalized, message, description, consent, opted_out, special_category, targeting_reason, lang,
    dedupe_hash, triage_requested_at)
SELECT 'CW-' || upper(translate(substr(h, 1, 4), '01', '23')) || '-' || upper(translate(substr(h, 5, 4), '01', '23')),
    'api', 'sms', '', current_date, false, '07700 9' || lpad(:n::text, 5, '0'), '+4477009' || lpad(:n::text, 5, '0'),
    'Bench message ' || :n, '', 'no', true, NULL, '', 'en', sha256(h::bytea), now()
FROM md5(random()::text) h
ON CONFLICT DO NOTHING;
`

// pgbenchOneRow is the complaint alone: BEGIN, its INSERT, COMMIT.
const pgbenchOneRow = `\set n random(1, 99999)
BEGIN;
` + pgbenchComplaint + `COMMIT;
`

// pgbenchTwoRows is what a submission must commit: the complaint and its
// triage job. The job goes into a table made LIKE river_job INCLUDING ALL
// (its defaults, so ids come from River's own sequence, and its indexes,
// the unique-job index among them) with the values River v0.51.1 writes
// for complaints.TriageArgs (as read back from a real insert): args
// {"complaint_id": id}, kind complaint_triage, queue default, priority 2,
// max_attempts 10, empty metadata and tags, state available, scheduled
// now, a 32-byte SHA-256 unique key (unique by args) and unique_states
// 11110101 (River's default states). The statement has the shape of
// River's JobInsertFastMany: rows unnested from arrays, ON CONFLICT on the
// unique key and RETURNING the row. The id in args is the complaint's
// (lastval() is its identity, drawn even when the insert is skipped). Not
// copied: River's insert notification, which River sends at most once per
// queue every so often, not once per job.
const pgbenchTwoRows = `\set n random(1, 99999)
BEGIN;
` + pgbenchComplaint + `WITH raw_job_data AS (
    SELECT
        unnest(ARRAY[jsonb_build_object('complaint_id', c.id)]) AS args,
        unnest(ARRAY['complaint_triage']::text[]) AS kind,
        unnest(ARRAY[10]::smallint[]) AS max_attempts,
        unnest(ARRAY['{}']::jsonb[]) AS metadata,
        unnest(ARRAY[2]::smallint[]) AS priority,
        unnest(ARRAY['default']::text[]) AS queue,
        unnest(ARRAY[now()]::timestamptz[]) AS scheduled_at,
        unnest(ARRAY['available']::text[]) AS state,
        unnest(ARRAY['']::text[]) AS tags,
        unnest(ARRAY[sha256(convert_to('&kind=complaint_triage&args={"complaint_id":' || c.id || '}', 'UTF8'))]::bytea[]) AS unique_key,
        unnest(ARRAY[245]::integer[]) AS unique_states
    FROM (SELECT lastval() AS id) c
)
INSERT INTO pgbench_river_job (args, created_at, kind, max_attempts, metadata, priority, queue, scheduled_at, state, tags,
    unique_key, unique_states)
SELECT args, now(), kind, max_attempts, coalesce(metadata, '{}'::jsonb), priority, queue, scheduled_at,
    state::river_job_state, string_to_array(tags, ',')::varchar(255)[], nullif(unique_key, '')::bytea,
    nullif(unique_states, 0)::bit(8)
FROM raw_job_data
ON CONFLICT (unique_key)
    WHERE unique_key IS NOT NULL AND unique_states IS NOT NULL AND river_job_state_in_bitmask(unique_states, state)
    DO UPDATE SET kind = pgbench_river_job.kind
RETURNING *;
COMMIT;
`

// runPgbench runs pgbench with script (pgbenchOneRow or pgbenchTwoRows)
// against the benchmark's database with the same clients and duration,
// on freshly made empty tables, after a warm-up and a VACUUM ANALYZE, and
// returns its transactions a second.
func runPgbench(b *testing.B, env *webtest.Env, script string, clients int, dur time.Duration) (float64, error) {
	ctx := context.Background()
	bin, err := pgcluster.FindBinaries()
	if err != nil {
		return 0, err
	}
	// Each baseline starts from empty tables of its own, made afresh: the
	// second must not insert into (and update the indexes of) the rows the
	// first left, or the two figures would not be comparable.
	for _, stmt := range []string{
		`DROP TABLE IF EXISTS pgbench_complaints, pgbench_river_job`,
		`CREATE TABLE pgbench_complaints (LIKE complaints INCLUDING ALL)`,
		`CREATE TABLE pgbench_river_job (LIKE river_job INCLUDING ALL)`,
	} {
		if _, err := env.Pool.Exec(ctx, stmt); err != nil {
			return 0, err
		}
	}
	file := filepath.Join(b.TempDir(), "insert.sql")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		return 0, err
	}
	var db string
	if err := env.Pool.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil {
		return 0, err
	}
	u, err := url.Parse(testdb.ServerURL(b))
	if err != nil {
		return 0, err
	}
	u.Path = "/" + db
	run := func(d time.Duration) ([]byte, error) {
		secs := max(int(d.Round(time.Second).Seconds()), 1)
		cmd := exec.Command(filepath.Join(bin, "pgbench"), "-n", "-M", "prepared", "-f", file, "-c", strconv.Itoa(clients), "-j", "2",
			"-T", strconv.Itoa(secs), u.String())
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("%v: %s", err, out)
		}
		return out, nil
	}
	if _, err := run(benchWarmUp); err != nil {
		return 0, err
	}
	// Both baselines' measured runs start from the same state: the
	// warm-up's rows vacuumed and analysed, whatever autovacuum happened
	// to do during the warm-up.
	if _, err := env.Pool.Exec(ctx, `VACUUM ANALYZE pgbench_complaints, pgbench_river_job`); err != nil {
		return 0, err
	}
	out, err := run(dur)
	if err != nil {
		return 0, err
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no tps in pgbench output: %s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// surgeText is the campaign text of BenchmarkTriageSurge: a bulk text of
// the kind thousands of people report in the same hours of an election.
const surgeText = "Hi%s, polling day is Thursday 4 July. Example Party needs your vote to win here. " +
	"Find your polling station at example.org/vote. Reply STOP to opt out"

// BenchmarkTriageSurge measures triage under an election surge: 12,000
// complaints (CW_SURGE_COMPLAINTS) about one campaign text, POSTed to
// /api/v1/complaints at 200 a second (CW_SURGE_RATE) by 12,000 different
// complainants, with the real triage pipeline on real River workers as
// `campaignwatch serve` runs them (as in BenchmarkIntakeToTriage). Two
// cases: every copy of the text identical, and each personalised with the
// recipient's name (near-identical, so clustered by similarity rather than
// by equal text); and, as the control on the same machine, as many
// unrelated texts. It reports the rate achieved, how long after the last
// submission the last result was stored, the latency from submission to
// stored result (p50, p99, max) and what was still untriaged after
// CW_BENCH_DRAIN_SECONDS (default 60). The target is every complaint
// triaged within 30 s of the last submission and a p99 of at most 10 s.
func BenchmarkTriageSurge(b *testing.B) {
	for _, tc := range []struct {
		name    string
		message func(i int) string
	}{
		{"identical", func(int) string { return fmt.Sprintf(surgeText, "") }},
		{"personalised", func(i int) string { return fmt.Sprintf(surgeText, " "+surgeNames[i%len(surgeNames)]) }},
		{"varied", variedText},
	} {
		b.Run(tc.name, func(b *testing.B) { triageSurge(b, tc.message) })
	}
}

// variedText is the i-th of a series of unrelated messages: twenty words
// drawn from the campaign vocabulary, so no two are near-identical.
func variedText(i int) string {
	words := strings.Fields(surgeText + " Dear voter our candidate local council housing schools roads " +
		"hospital vote election leaflet survey call canvass policy tax bus rail police park library")
	out := make([]string, 20)
	x := uint64(i)*0x9e3779b97f4a7c15 + 1
	for j := range out {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		out[j] = words[x%uint64(len(words))]
	}
	return strings.Join(out, " ")
}

var surgeNames = []string{"Ann", "Bob", "Cat", "Dev", "Eve", "Fatima", "Gareth", "Hannah", "Iwan", "Jas", "Kofi", "Lowri",
	"Mohammed", "Niamh", "Olu", "Priya", "Rhys", "Siân", "Tom", "Uma", "Wyn", "Yusuf", "Zara"}

func triageSurge(b *testing.B, message func(int) string) {
	total, rate := 12000, 200
	if v, err := strconv.Atoi(os.Getenv("CW_SURGE_COMPLAINTS")); err == nil && v > 0 {
		total = v
	}
	if v, err := strconv.Atoi(os.Getenv("CW_SURGE_RATE")); err == nil && v > 0 {
		rate = v
	}
	drain := 60 * time.Second
	if v, err := strconv.Atoi(os.Getenv("CW_BENCH_DRAIN_SECONDS")); err == nil && v > 0 {
		drain = time.Duration(v) * time.Second
	}
	srvURL, pool, workers := triagingServer(b)
	ctx := context.Background()

	// Everyone received the text within the same quarter of an hour, an
	// hour ago; it came from one of a few dozen numbers, as bulk texts do.
	sent := time.Now().Add(-time.Hour).Truncate(time.Minute)
	const clients = 32
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	defer tr.CloseIdleConnections()
	type submission struct {
		ref string
		at  time.Time
	}
	subs := make([]submission, total)
	var failures atomic.Int64
	next := make(chan int)
	var wg sync.WaitGroup
	refPattern := regexp.MustCompile(`"reference":"([A-Z0-9-]+)"`)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				body := fmt.Sprintf(`{"channel":"sms","received_at":%q,"sender":"07700 9000%02d","message":%q,`+
					`"consent":"no","opted_out":true,"complainant":{"name":"Person %d","phone":"07800 %06d","postcode":"CF10 1AA","may_contact":false}}`,
					sent.Add(time.Duration(i%900)*time.Second).Format(time.RFC3339), i%40, message(i), i, i)
				t0 := time.Now()
				res, err := hc.Post(srvURL+"/api/v1/complaints", "application/json", strings.NewReader(body))
				if err != nil {
					failures.Add(1)
					continue
				}
				out, _ := io.ReadAll(res.Body)
				res.Body.Close()
				m := refPattern.FindSubmatch(out)
				if res.StatusCode != http.StatusCreated || m == nil || strings.Contains(string(out), "duplicate_of") {
					failures.Add(1)
					continue
				}
				subs[i] = submission{ref: string(m[1]), at: t0}
			}
		}()
	}
	// Open loop: complaint i is due at start + i/rate whatever the answers
	// to earlier ones, as the public does not wait for each other.
	b.ResetTimer()
	start := time.Now()
	for i := range total {
		if d := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); d > 0 {
			time.Sleep(d)
		}
		next <- i
	}
	close(next)
	wg.Wait()
	lastSubmission := time.Now()
	intake := lastSubmission.Sub(start)

	var pending int
	for end := lastSubmission.Add(drain); ; time.Sleep(100 * time.Millisecond) {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM complaints c
			WHERE NOT EXISTS (SELECT 1 FROM triage_results t WHERE t.complaint_id = c.id)`).Scan(&pending); err != nil {
			b.Fatal(err)
		}
		if pending == 0 || time.Now().After(end) {
			break
		}
	}
	b.StopTimer()

	stored := map[string]time.Time{}
	rows, err := pool.Query(ctx, `SELECT c.reference, min(t.created_at) FROM complaints c JOIN triage_results t ON t.complaint_id = c.id GROUP BY c.reference`)
	if err != nil {
		b.Fatal(err)
	}
	var ref string
	var at time.Time
	if _, err := pgx.ForEachRow(rows, []any{&ref, &at}, func() error { stored[ref] = at; return nil }); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	var lastResult time.Time
	ok := 0
	// The worst latency in each sixth of the intake, in order, shows
	// whether triage kept pace (flat) or fell behind (rising).
	worst := make([]time.Duration, 6)
	for i, s := range subs {
		if s.ref == "" {
			continue
		}
		ok++
		if t, found := stored[s.ref]; found {
			lat = append(lat, t.Sub(s.at))
			worst[i*6/total] = max(worst[i*6/total], t.Sub(s.at))
			if t.After(lastResult) {
				lastResult = t
			}
		}
	}
	for i := range worst {
		worst[i] = worst[i].Round(10 * time.Millisecond)
	}
	if len(lat) == 0 {
		b.Fatalf("no complaint was triaged (%d accepted, %d failures)", ok, failures.Load())
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Milliseconds()) }
	drained := max(lastResult.Sub(lastSubmission), 0)
	var textClusters, largest int
	_ = pool.QueryRow(ctx, `SELECT count(*), coalesce(max(size), 0) FROM complaint_clusters WHERE kind = 'text'`).Scan(&textClusters, &largest)
	// A triage run that failed (and is retried) leaves its batch to later
	// claims or the complaints' own jobs: count them and show one reason.
	var failedRuns int
	var lastErr string
	_ = pool.QueryRow(ctx, `SELECT count(*), coalesce(max(errors[array_length(errors, 1)]->>'error'), '') FROM river_job
		WHERE kind = 'complaint_triage' AND errors IS NOT NULL`).Scan(&failedRuns, &lastErr)

	achieved := float64(ok) / intake.Seconds()
	b.ReportMetric(achieved, "req/s")
	b.ReportMetric(drained.Seconds(), "drain_s")
	b.ReportMetric(pct(0.50), "triage_p50_ms")
	b.ReportMetric(pct(0.99), "triage_p99_ms")
	b.ReportMetric(float64(lat[len(lat)-1].Milliseconds()), "triage_max_ms")
	b.ReportMetric(float64(pending), "untriaged")
	b.Logf("surge: %d complaints accepted in %s (%.0f/s asked, %.0f/s achieved, %d failures); last result %s after the last submission; "+
		"submission to result p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d untriaged; %d text cluster(s), largest %d; worst by sixth of the intake %v; %d triage jobs with errors %q; workers %v",
		ok, intake.Round(time.Millisecond), float64(rate), achieved, failures.Load(), drained.Round(time.Millisecond),
		pct(0.5), pct(0.99), float64(lat[len(lat)-1].Milliseconds()), pending, textClusters, largest, worst, failedRuns, lastErr, workers)
	if failures.Load() > 0 || pending > 0 {
		b.Errorf("%d submissions failed and %d complaints were still untriaged %s after the last submission", failures.Load(), pending, drain)
	}
}

// triagingServer is the server of the triage benchmarks: the API, and the
// real triage pipeline on River workers with the production worker counts
// (WORKERS_DEFAULT applies), sharing one pool as in `campaignwatch serve`.
func triagingServer(b *testing.B) (string, *pgxpool.Pool, map[string]int) {
	vars := map[string]string{"COMPLAINT_RATE": "100000000", "COMPLAINT_BURST": "100000000"}
	if v := os.Getenv("WORKERS_DEFAULT"); v != "" {
		vars["WORKERS_DEFAULT"] = v
	}
	env := webtest.New(b, webtest.Options{Env: vars})
	rb, err := triage.DefaultRulebook()
	if err != nil {
		b.Fatal(err)
	}
	engine, err := triage.NewEngine(rb)
	if err != nil {
		b.Fatal(err)
	}
	registry := func(pool *pgxpool.Pool) *jobs.Registry {
		reg := jobs.NewRegistry()
		review.Register(reg, review.NewPipeline(pool, engine))
		return reg
	}
	srvURL, pool := productionLikeServer(b, env, registry, jobs.Options{Workers: env.Config.Workers, JobTimeout: env.Config.JobTimeout})
	return srvURL, pool, env.Config.Workers
}
