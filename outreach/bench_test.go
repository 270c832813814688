package outreach_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// sink is an SMTP server that accepts and counts messages and keeps
// nothing, so the benchmark's memory is the service's, not the sink's.
type sink struct{ n atomic.Int64 }

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s}, nil }

type sinkSession struct{ s *sink }

func (ss *sinkSession) AuthPlain(string, string) error       { return nil }
func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	ss.s.n.Add(1)
	return err
}
func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }

func startSink(b *testing.B) (*sink, string) {
	s := &sink{}
	srv := smtp.NewServer(s)
	srv.Domain = "sink.local"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 50 << 20
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	return s, "smtp://" + ln.Addr().String() + "?tls=none"
}

// peakHeap samples the live heap every 20 ms until stopped and returns
// the highest value seen.
func peakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// seedContacts makes parties standing in England with n active contacts
// between them, a hundred per party.
func seedContacts(b *testing.B, pool *pgxpool.Pool, n int) {
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var rows [][]any
		for p := 0; p*100 < n; p++ {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO parties (name, nations) VALUES ($1, '{england}') RETURNING id`, fmt.Sprintf("Bench Party %03d", p)).Scan(&id); err != nil {
				return err
			}
			for c := 0; c < 100 && p*100+c < n; c++ {
				rows = append(rows, []any{id, fmt.Sprintf("Contact %d", c), "Data Protection Officer", fmt.Sprintf("dpo%d@party%d.example.org", c, p)})
			}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"party_contacts"}, []string{"party_id", "name", "position", "email"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// The job settings both benchmarks use, so the letters are compared with
// River on equal terms. River fetches at most a queue's free workers' worth
// of jobs per fetch and waits FetchCooldown (default 100ms) between
// fetches, which would cap either at 16/0.1s = 160 jobs/s whatever the
// machine; the benchmarks measure the work, not that cap.
const (
	benchMailWorkers  = 16
	benchFetchCool    = 5 * time.Millisecond
	benchFetchPolling = 50 * time.Millisecond
)

func benchJobOptions(queue string) jobs.Options {
	return jobs.Options{Workers: map[string]int{queue: benchMailWorkers}, FetchCooldown: benchFetchCool,
		FetchPollInterval: benchFetchPolling, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// The 10,000-letter and River figures, kept for the closing note.
var benchLetters, benchRiver float64

// BenchmarkSendLetters calls an election with 10,000 contacts in scope
// and measures, end to end, rendering every letter (HTML, text and PDF),
// storing it, enqueueing its job and sending it through real River mail
// workers to a local SMTP sink. The 2,000-letter run beside it shows the
// peak heap does not grow with the number of letters.
func BenchmarkSendLetters(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		b.Run(fmt.Sprintf("letters=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchSend(b, n)
			}
		})
	}
}

func benchSend(b *testing.B, n int) {
	b.StopTimer()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "bench"})
	pool := testdb.New(b)
	seedContacts(b, pool, n)
	s, url := startSink(b)
	sender := outreach.NewSenderPool(benchMailWorkers, func() (mail.Sender, error) { return mail.NewSMTP(url, mail.WithKeepAlive(time.Minute)) })
	inserter := fixture.InsertOnlyJobs(b, pool)
	svc, err := outreach.NewService(pool, outreach.Settings{MailRate: 0, MailFrom: "Bench <bench@regulator.example.org>"}, sender, inserter)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Seed(ctx); err != nil {
		b.Fatal(err)
	}
	reg := jobs.NewRegistry()
	outreach.RegisterJobs(reg, svc, sender)
	client, err := jobs.NewClient(pool, reg, benchJobOptions(jobs.QueueMail))
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	stopHeap := peakHeap()
	b.StartTimer()
	start := time.Now()
	if err := client.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	res, err := callConfirmed(ctx, svc, outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: "Bench election", NameCY: "Etholiad mainc", Type: "local", Nations: []string{"england"}, PollingDay: date("2099-05-07")}})
	if err != nil {
		b.Fatal(err)
	}
	called := time.Since(start)
	for s.n.Load() < int64(n) {
		if time.Since(start) > 10*time.Minute {
			b.Fatalf("only %d of %d letters arrived", s.n.Load(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var sent int
	for {
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM letters WHERE election_id = $1 AND state = 'sent'`, res.ElectionID).Scan(&sent); err != nil {
			b.Fatal(err)
		}
		if sent == n {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	peak := stopHeap()
	_ = client.Stop(context.Background())
	if got := s.n.Load(); got != int64(n) {
		b.Fatalf("sink got %d messages for %d letters", got, n)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "letters/s")
	if n == 10000 {
		benchLetters = float64(n) / elapsed.Seconds()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.Logf("%d letters rendered (HTML, text, PDF), stored and sent in %s (call: %s), %.0f letters/s, peak heap %.1f MB",
		n, elapsed.Round(time.Millisecond), called.Round(time.Millisecond), float64(n)/elapsed.Seconds(), float64(peak)/(1<<20))
}

// BenchmarkRiverNoop measures River's own throughput for 10,000 no-op jobs
// on the same machine and database, the ceiling the letters are compared
// against.
func BenchmarkRiverNoop(b *testing.B) {
	const n = 10000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		pool := testdb.New(b)
		client, err := jobs.NewClient(pool, jobs.NewRegistry(), benchJobOptions(jobs.QueueDefault))
		if err != nil {
			b.Fatal(err)
		}
		events, cancel := client.Subscribe(river.EventKindJobCompleted)
		b.StartTimer()
		start := time.Now()
		if err := client.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		for off := 0; off < n; off += 1000 {
			params := make([]river.InsertManyParams, 1000)
			for j := range params {
				params[j] = river.InsertManyParams{Args: jobs.NoopArgs{}}
			}
			if _, err := client.InsertMany(context.Background(), params); err != nil {
				b.Fatal(err)
			}
		}
		for done := 0; done < n; {
			select {
			case <-events:
				done++
			case <-time.After(5 * time.Minute):
				b.Fatalf("only %d of %d jobs completed", done, n)
			}
		}
		elapsed := time.Since(start)
		b.StopTimer()
		cancel()
		_ = client.Stop(context.Background())
		b.ReportMetric(n/elapsed.Seconds(), "jobs/s")
		benchRiver = n / elapsed.Seconds()
		b.Logf("River: %d no-op jobs inserted and worked in %s, %.0f jobs/s", n, elapsed.Round(time.Millisecond), n/elapsed.Seconds())
	}
}

// TestMain prints the closing note of a benchmark run: letters per second
// against River's own no-op throughput on the same machine.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchLetters > 0 && benchRiver > 0 {
		fmt.Printf("outreach: %.0f letters/s (10,000 letters, rendered with PDFs and sent over SMTP) against River's %.0f no-op jobs/s: %.0f%% of River's ceiling; target 500 letters/s\n",
			benchLetters, benchRiver, 100*benchLetters/benchRiver)
	}
	os.Exit(code)
}
