package review_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/review"
)

// candidateWatch is a pgx tracer that counts the pipeline's text
// candidate reads and, as each one's rows are read out, asks the server
// (on another connection) which advisory locks the reading transaction
// holds. Transaction-scoped advisory locks are held until commit, so any
// held then was held all through the read.
type candidateWatch struct {
	check *pgxpool.Pool

	mu     sync.Mutex
	reads  int
	locked []int // advisory locks held, per read that held any
	errs   []error
}

func (w *candidateWatch) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if data.SQL == review.TextCandidatesSQL {
		w.observe(conn)
	}
	return ctx
}

func (w *candidateWatch) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (w *candidateWatch) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (w *candidateWatch) TraceBatchQuery(_ context.Context, conn *pgx.Conn, data pgx.TraceBatchQueryData) {
	if data.SQL == review.TextCandidatesSQL && data.Err == nil {
		w.observe(conn)
	}
}

func (w *candidateWatch) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (w *candidateWatch) observe(conn *pgx.Conn) {
	var n int
	err := w.check.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' AND granted`, conn.PgConn().PID()).Scan(&n)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reads++
	if err != nil {
		w.errs = append(w.errs, err)
	}
	if n > 0 {
		w.locked = append(w.locked, n)
	}
}

func (w *candidateWatch) take() (reads int, locked []int, errs []error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	reads, locked, errs = w.reads, w.locked, w.errs
	w.reads, w.locked, w.errs = 0, nil, nil
	return
}

// watchedPipeline is a pipeline on its own pool whose text candidate
// reads w watches.
func watchedPipeline(t *testing.T, b *bundle) (*review.Pipeline, *candidateWatch) {
	t.Helper()
	w := &candidateWatch{check: b.pool}
	cfg := b.pool.Config().Copy()
	cfg.ConnConfig.Tracer = w
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return review.NewPipeline(pool, engine(t, nil)), w
}

// A surge of one campaign text: 150 copies from 150 numbers, received two
// hours apart, are clustered by batch (one candidate read per batch of up
// to BatchSize, not one per complaint) into one cluster holding them all,
// and each one's in-cluster count is the copies received in the week
// before it.
func TestSurgeOfOneTextClusteredPerBatch(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	pipeline, watch := watchedPipeline(t, b)
	const n = 150
	text := strings.Replace(campaignText, "%s", "there", 1)
	first := time.Now().Add(-2 * n * time.Hour)
	var ids []int64
	for i := range n {
		ids = append(ids, b.submit(t, sms(fmt.Sprintf("07700 9%05d", i), text, first.Add(time.Duration(2*i)*time.Hour))).ComplaintID)
	}

	// The jobs, one after another: each claims what is still waiting, in
	// batches of BatchSize in id order, so the surge takes two batches
	// however fast the machine is.
	stored := 0
	for _, id := range ids {
		if stored == n {
			break
		}
		got, err := pipeline.TriageBatch(ctx, id)
		require.NoError(t, err)
		stored += got
	}
	require.Equal(t, n, stored)
	reads, _, errs := watch.take()
	require.Empty(t, errs)
	require.Equal(t, (n+review.BatchSize-1)/review.BatchSize, reads, "one candidate read per batch")

	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, n, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, n, b.count(t, `SELECT count(*) FROM complaint_cluster_members WHERE kind = 'text'`))
	require.Equal(t, 0, b.count(t, `SELECT count(*) FROM complaint_clusters WHERE kind = 'sender'`))
	require.Equal(t, n, b.count(t, `SELECT count(*) FROM triage_results WHERE context->>'text_cluster_id' IS NOT NULL`))
	require.Equal(t, 1, b.count(t, `SELECT count(DISTINCT context->>'text_cluster_id') FROM triage_results`))
	// Copy i was received 2i hours after the first: the week before it
	// (168 hours, its start included) holds min(i, 84) others. The cluster's size is as it stood when the copy's batch
	// was triaged.
	for i, id := range ids {
		require.Equal(t, min(i, 84), b.count(t, `SELECT (context->>'cluster_7d')::int FROM triage_results WHERE complaint_id = $1`, id), "copy %d", i)
		size := review.BatchSize
		if i >= review.BatchSize {
			size = n
		}
		require.Equal(t, size, b.count(t, `SELECT (context->>'cluster_size')::int FROM triage_results WHERE complaint_id = $1`, id), "copy %d", i)
	}

	// A later wave joins the same cluster, again one read per batch.
	var more []int64
	for i := range 30 {
		more = append(more, b.submit(t, sms(fmt.Sprintf("07700 8%05d", i), text, time.Now().Add(-time.Minute))).ComplaintID)
	}
	stored, err := pipeline.TriageBatch(ctx, more[0])
	require.NoError(t, err)
	require.Equal(t, len(more), stored)
	reads, _, _ = watch.take()
	require.Equal(t, 1, reads)
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, n+len(more), b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'text'`))
}

// The candidate read is made holding no advisory lock, also while other
// jobs triage copies of the same text and a cluster of them exists: the
// band and sender locks come after it, so a read that grows with a surge
// can never keep other batches of the surge waiting.
func TestTextCandidatesReadHoldingNoLock(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	pipeline, watch := watchedPipeline(t, b)
	now := time.Now()
	var ids []int64
	for i := range 120 {
		// Every tenth from one number, so sender locks are taken too.
		sender := fmt.Sprintf("07700 9%05d", i)
		if i%10 == 0 {
			sender = "07700 900999"
		}
		ids = append(ids, b.submit(t, sms(sender, strings.Replace(campaignText, "%s", fmt.Sprintf("Name%d", i%7), 1), now.Add(-time.Duration(i)*time.Minute))).ComplaintID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ids); i += 4 {
				if _, err := pipeline.TriageBatch(ctx, ids[i]); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	reads, locked, readErrs := watch.take()
	require.Empty(t, readErrs)
	require.Positive(t, reads)
	require.Empty(t, locked, "candidate reads made while holding advisory locks (locks held per read)")
	require.Equal(t, 120, b.count(t, `SELECT count(DISTINCT complaint_id) FROM triage_results`))
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, 120, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, 12, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'sender'`))
}
