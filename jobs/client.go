package jobs

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/campaignwatch/campaignwatch/internal/metrics"
)

// The queue names. Job args choose theirs through InsertOpts.
const (
	QueueDefault = river.QueueDefault
	QueueMail    = "mail"
	QueueReports = "reports"
)

// Client is the River client type used throughout the service.
type Client = river.Client[pgx.Tx]

// Registry collects the workers and periodic jobs of every feature.
//
// Features may register before or after NewClient builds the client on the
// registry, as long as it is before Start: the composition root builds the
// one client first, so that the services the workers need can be given it,
// and registers their workers after. River reads the Workers bundle when
// the client starts (AddWorker after NewClient is supported since River's
// PR #87 for this very case); periodic jobs added after NewClient go
// straight to the client's PeriodicJobs bundle, which NewClient had
// already filled from the earlier ones.
type Registry struct {
	workers  *river.Workers
	periodic []*river.PeriodicJob
	// client is the working client NewClient built on this registry, if
	// any. A registry serves one working client.
	client *Client
}

// NewRegistry returns a registry holding the service's built-in jobs.
func NewRegistry() *Registry {
	r := &Registry{workers: river.NewWorkers()}
	river.AddWorker(r.workers, &NoopWorker{})
	return r
}

// Workers is where feature packages add their workers with river.AddWorker.
func (r *Registry) Workers() *river.Workers { return r.workers }

// AddPeriodic registers a periodic job. River runs periodic jobs on the
// elected leader only, so one instance enqueues each occurrence.
func (r *Registry) AddPeriodic(schedule river.PeriodicSchedule, construct func() (river.JobArgs, *river.InsertOpts), runOnStart bool) {
	job := river.NewPeriodicJob(schedule, construct, &river.PeriodicJobOpts{RunOnStart: runOnStart})
	if r.client != nil {
		r.client.PeriodicJobs().Add(job)
		return
	}
	r.periodic = append(r.periodic, job)
}

// DefaultFetchCooldown is the client's FetchCooldown unless Options sets
// one. River's own default (100ms) caps a queue of 10 workers at 100 jobs
// a second, far below the complaint intake rate, so a burst of complaints
// would wait minutes for triage (BenchmarkIntakeToTriage); 10ms lifts the
// cap to 1,000 a second at the cost of at most 100 fetch queries a second
// per busy queue (an idle queue still waits for notifications or the poll
// interval).
const DefaultFetchCooldown = 10 * time.Millisecond

// Options tunes the client.
type Options struct {
	// Workers is the maximum number of concurrent workers per queue. A nil
	// map makes an insert-only client, as the CLI commands use.
	Workers map[string]int
	// JobTimeout bounds one attempt of a job that sets no timeout of its own.
	JobTimeout time.Duration
	// MaxAttempts is how many times a failing job is tried before it is
	// discarded. Default 10.
	MaxAttempts int
	// FetchCooldown is the shortest time between two fetches of new jobs
	// by one queue; zero means DefaultFetchCooldown. A queue fetches at
	// most its free workers' worth of jobs each time, so its throughput is
	// capped at Workers/FetchCooldown jobs a second.
	FetchCooldown time.Duration
	// FetchPollInterval is how often an idle queue polls for jobs when no
	// insert notification arrives; zero keeps River's default (1s). It is
	// raised to FetchCooldown if below it.
	FetchPollInterval time.Duration
	// RescueStuckJobsAfter is how long a job may run before River assumes
	// its worker died and retries it; zero keeps River's default (1h).
	RescueStuckJobsAfter time.Duration
	// RiverPool is the pool River's own queries use: fetching, completing
	// and its maintenance (cleaner, rescuer, reindexer). A client that works
	// jobs should be given database.OpenJobs's pool, which has no statement
	// timeout; nil uses the pool NewClient is given. Workers and InsertTx
	// are unaffected: they use the service's pool and the caller's
	// transaction.
	RiverPool *pgxpool.Pool
	// ReindexerSchedule is when River rebuilds its job indexes; nil keeps
	// River's nightly schedule.
	ReindexerSchedule river.PeriodicSchedule
	Logger            *slog.Logger
	Metrics           *metrics.Metrics
}

// NewClient builds the River client. With opts.Workers nil it can insert
// jobs but works none.
func NewClient(pool *pgxpool.Pool, reg *Registry, opts Options) (*Client, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = 10
	}
	cfg := &river.Config{
		Logger:      opts.Logger,
		MaxAttempts: opts.MaxAttempts,
		JobTimeout:  opts.JobTimeout,
		RetryPolicy: &retries,
		// Completed jobs are kept a week so staff can see in River UI what
		// ran during an election; discarded ones a month for diagnosis.
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
		FetchCooldown:               cmp.Or(opts.FetchCooldown, DefaultFetchCooldown),
		FetchPollInterval:           opts.FetchPollInterval,
		RescueStuckJobsAfter:        opts.RescueStuckJobsAfter,
		ReindexerSchedule:           opts.ReindexerSchedule,
		// REINDEX INDEX CONCURRENTLY blocks no reads or writes, and
		// cancelling it leaves an invalid _ccnew index that makes River skip
		// that index from then on; so it runs to the end (River drops the
		// leftovers itself when the client stops mid-build).
		ReindexerTimeout: -1,
	}
	// River refuses a poll interval shorter than the cooldown.
	cooldown := cmp.Or(cfg.FetchCooldown, river.FetchCooldownDefault)
	if poll := cmp.Or(cfg.FetchPollInterval, river.FetchPollIntervalDefault); poll < cooldown {
		cfg.FetchPollInterval = cooldown
	}
	if opts.Workers != nil {
		cfg.Workers = reg.workers
		cfg.PeriodicJobs = reg.periodic
		cfg.Queues = map[string]river.QueueConfig{}
		for _, q := range []string{QueueDefault, QueueMail, QueueReports} {
			n := opts.Workers[q]
			if n < 1 {
				n = 1
			}
			cfg.Queues[q] = river.QueueConfig{MaxWorkers: n}
		}
		if opts.Metrics != nil {
			cfg.Middleware = []rivertype.Middleware{&metricsMiddleware{m: opts.Metrics}}
		}
	}
	if opts.RiverPool != nil {
		pool = opts.RiverPool
	}
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, err
	}
	// An insert-only client runs no periodic jobs (River refuses to take
	// them), so only a working one receives those registered from now on.
	if opts.Workers != nil {
		reg.client = client
	}
	return client, nil
}

// RetryPolicy retries with capped exponential backoff and full jitter: the
// n-th retry waits a random time up to Base·2^(n-1), never more than Max.
// Jitter spreads retries of a batch that failed together (an SMTP server
// that was down) so they do not return as one burst.
type RetryPolicy struct {
	Base time.Duration
	Max  time.Duration
}

// NextRetry implements river.ClientRetryPolicy.
func (p *RetryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	attempt := max(len(job.Errors), 1)
	ceiling := float64(p.Base) * math.Pow(2, float64(attempt-1))
	if ceiling > float64(p.Max) || math.IsInf(ceiling, 0) {
		ceiling = float64(p.Max)
	}
	// Half fixed, half random, so a retry never comes back at once.
	wait := time.Duration(ceiling/2 + rand.Float64()*ceiling/2)
	return time.Now().Add(wait)
}

type metricsMiddleware struct {
	river.MiddlewareDefaults
	m *metrics.Metrics
}

func (mw *metricsMiddleware) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	err := doInner(ctx)
	outcome := "ok"
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	switch {
	case err == nil:
	case errors.As(err, &snooze):
		outcome = "snoozed"
	case errors.As(err, &cancel):
		outcome = "cancelled"
	default:
		outcome = "error"
	}
	mw.m.JobsWorked.WithLabelValues(job.Kind, job.Queue, outcome).Inc()
	mw.m.JobDuration.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
	return err
}

// Inserter is the part of the River client a service enqueues jobs with,
// in the transaction of the change that asks for them. *Client satisfies
// it; the composition root passes its client to each service that
// enqueues jobs on a person's action, and workers that enqueue follow-up
// jobs take the client from their context (river.ClientFromContext).
type Inserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertManyTx(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

var _ Inserter = (*Client)(nil)
