package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/jobs"
)

type bundle struct {
	pool     *pgxpool.Pool
	svc      *complaints.Service
	pipeline *review.Pipeline
	review   *review.Service
	client   *jobs.Client
	partyID  int64
}

func engine(t *testing.T, yamlEdit func(string) string) *triage.Engine {
	t.Helper()
	src := string(triage.DefaultRulebookYAML())
	if yamlEdit != nil {
		src = yamlEdit(src)
	}
	rb, err := triage.ParseRulebook([]byte(src), "test")
	require.NoError(t, err)
	e, err := triage.NewEngine(rb)
	require.NoError(t, err)
	return e
}

// setup gives a database with one party and an election in progress. With
// work set, a River client works the triage jobs Submit queues; without,
// tests call the pipeline themselves.
func setup(t *testing.T, work bool) *bundle {
	t.Helper()
	return setupOn(t, testdb.New(t), work)
}

// setupOn is setup on pool, for tests that need other database timeouts.
func setupOn(t *testing.T, pool *pgxpool.Pool, work bool) *bundle {
	t.Helper()
	b := &bundle{pool: pool, pipeline: review.NewPipeline(pool, engine(t, nil))}
	b.review = review.NewService(pool, nil)
	reg := jobs.NewRegistry()
	review.Register(reg, b.pipeline)
	opts := jobs.Options{}
	if work {
		opts.Workers = map[string]int{"default": 2}
	}
	client, err := jobs.NewClient(pool, reg, opts)
	require.NoError(t, err)
	if work {
		ctx, cancel := context.WithCancel(context.Background())
		require.NoError(t, client.Start(ctx))
		t.Cleanup(func() { cancel(); _ = client.Stop(context.Background()) })
	}
	b.svc = complaints.NewService(pool, client)
	b.client = client
	f := fixture.New(t, pool)
	b.partyID = f.Party(fixture.PartyName("Example Party"), fixture.PartyShortName("EP"), fixture.PartyAliases("the examples"),
		fixture.PartyNations(vocab.NationEngland)).ID
	f.Election(fixture.ElectionName("Test general election"), fixture.ElectionType("general", "england"), fixture.ElectionDays(-20, 10))
	return b
}

func bp(v bool) *bool { return &v }

func sms(sender, message string, at time.Time) complaints.Submission {
	return complaints.Submission{
		Channel: "sms", PartyText: "Example Party", ReceivedAt: at, ReceivedAtHasTime: true,
		Sender: sender, Message: message, Description: "I never gave them my number.",
		Consent: "no", Source: "web", Lang: "en",
	}
}

func (b *bundle) submit(t *testing.T, s complaints.Submission) complaints.Receipt {
	t.Helper()
	rc, err := b.svc.Submit(context.Background(), s, complaints.Meta{})
	require.NoError(t, err)
	return rc
}

func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(context.Background(), sql, args...).Scan(&n), sql)
	return n
}

func TestWorkerStoresResultAndMovesComplaintToTriaged(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	done := fixture.Subscribe(t, b.client)
	rc := b.submit(t, sms("07700 900123", "Vote for Example Party on Thursday!", time.Now().Add(-time.Hour)))

	done.Wait(complaints.TriageArgs{}.Kind(), 1, 15*time.Second)
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM triage_results WHERE complaint_id = $1`, rc.ComplaintID), "triage result stored")
	d, err := b.review.Get(context.Background(), rc.Reference)
	require.NoError(t, err)
	require.Equal(t, vocab.StatusTriaged, d.Status)
	require.NotNil(t, d.Current)
	require.Contains(t, d.Current.Provisions, "PECR-22")
	require.Equal(t, "sms", d.Current.Channel)
	require.Equal(t, b.pipeline.Engine().Rulebook().Version, d.Current.RulebookVersion)
	require.Equal(t, d.Current.Priority, d.Priority)
	require.NotEmpty(t, d.Current.RationaleLines())
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.triage' AND object_id = $1`, rc.Reference))
}

func TestRerunIsIdempotentAndKeepsHistoryAfterRulebookChange(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	rc := b.submit(t, sms("07700 900123", "Vote for Example Party on Thursday!", time.Now().Add(-time.Hour)))

	out, err := b.pipeline.Triage(ctx, rc.ComplaintID)
	require.NoError(t, err)
	require.True(t, out.Stored)
	out, err = b.pipeline.Triage(ctx, rc.ComplaintID)
	require.NoError(t, err)
	require.False(t, out.Stored, "same rulebook must not store a second result")
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM triage_results WHERE complaint_id = $1`, rc.ComplaintID))

	// A new rulebook version that scores texts without consent higher.
	changed := review.NewPipeline(b.pool, engine(t, func(s string) string {
		s = strings.Replace(s, `version: "2026.12"`, `version: "test-2"`, 1)
		return s
	}))
	sum, err := changed.Rerun(ctx, time.Time{})
	require.NoError(t, err)
	require.Equal(t, review.RerunSummary{Checked: 1, Stored: 1}, sum)
	sum, err = changed.Rerun(ctx, time.Time{})
	require.NoError(t, err)
	require.Equal(t, review.RerunSummary{Checked: 1, Stored: 0}, sum)

	d, err := b.review.Get(ctx, rc.Reference)
	require.NoError(t, err)
	require.Len(t, d.History, 2)
	require.Equal(t, "test-2", d.Current.RulebookVersion)
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM triage_results WHERE complaint_id = $1 AND is_current`, rc.ComplaintID))

	// Since a date after the complaint: nothing to do.
	sum, err = b.pipeline.Rerun(ctx, time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, 0, sum.Checked)
}

func TestSameSenderFormsClusterAndFeedsTheScore(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	now := time.Now()
	var last complaints.Receipt
	// Eleven complaints about one number written three ways: the eleventh
	// has ten others in the week before, which the policy scores +10.
	for i := range 11 {
		sender := []string{"07700 900123", "+44 7700 900123", "07700900123"}[i%3]
		last = b.submit(t, sms(sender, "Message number "+strings.Repeat("x", i+1), now.Add(time.Duration(i-12)*time.Hour)))
		_, err := b.pipeline.Triage(ctx, last.ComplaintID)
		require.NoError(t, err)
	}
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM complaint_clusters WHERE kind = 'sender'`))
	require.Equal(t, 11, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'sender' AND key = '+447700900123'`))
	var ctxJSON map[string]any
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT context FROM triage_results WHERE complaint_id = $1`, last.ComplaintID).Scan(&ctxJSON))
	require.EqualValues(t, 10, ctxJSON["same_sender_7d"])

	d, err := b.review.Get(ctx, last.Reference)
	require.NoError(t, err)
	joined := strings.Join(d.Current.RationaleLines(), "\n")
	require.Contains(t, joined, "same sender")
	first, err := b.review.Get(ctx, strings.TrimSpace(d.Reference))
	require.NoError(t, err)
	require.Len(t, first.Clusters, 1)
	require.Equal(t, 11, first.Clusters[0].Size)

	// A withheld number forms no cluster.
	w := b.submit(t, sms("Withheld", "Another message entirely", now))
	_, err = b.pipeline.Triage(ctx, w.ComplaintID)
	require.NoError(t, err)
	w2 := b.submit(t, sms("withheld", "And yet another message", now))
	_, err = b.pipeline.Triage(ctx, w2.ComplaintID)
	require.NoError(t, err)
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM complaint_clusters`))
}

func TestNearIdenticalTextFormsCluster(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	now := time.Now()
	base := "Hi %s, polling day is Thursday 4 July. Example Party needs your vote to win here. Find your polling station at example.org/vote. Reply STOP to opt out"
	var refs []complaints.Receipt
	for i, name := range []string{"Ann", "Bob", "Cat"} {
		rc := b.submit(t, sms("0770090010"+string(rune('1'+i)), strings.Replace(base, "%s", name, 1), now.Add(time.Duration(-i)*time.Minute)))
		_, err := b.pipeline.Triage(ctx, rc.ComplaintID)
		require.NoError(t, err)
		refs = append(refs, rc)
	}
	other := b.submit(t, sms("07700900109", "Your local councillor has been working hard on potholes this year and wants to hear from you about the high street", now))
	_, err := b.pipeline.Triage(ctx, other.ComplaintID)
	require.NoError(t, err)

	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, 3, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, 0, b.count(t, `SELECT count(*) FROM complaint_cluster_members WHERE complaint_id = $1`, other.ComplaintID))

	// Re-running clustering changes nothing.
	_, err = b.pipeline.Rerun(ctx, time.Time{})
	require.NoError(t, err)
	require.Equal(t, 3, b.count(t, `SELECT count(*) FROM complaint_cluster_members WHERE kind = 'text'`))

	// The queue filters by cluster.
	var cid int64
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT id FROM complaint_clusters WHERE kind = 'text'`).Scan(&cid))
	page, err := b.review.Queue(ctx, review.Filter{ClusterID: &cid})
	require.NoError(t, err)
	require.Equal(t, 3, page.Total)
	c, err := b.review.Cluster(ctx, cid)
	require.NoError(t, err)
	require.Equal(t, 3, c.Size)
	require.Equal(t, []string{"Example Party"}, partyNames(c))
	require.Len(t, c.PerDay, len(uniqueDays(now, 3)))
	_ = audit.Change{}
}

func partyNames(c *review.ClusterDetail) []string {
	var out []string
	for _, p := range c.Parties {
		out = append(out, p.Name)
	}
	return out
}

func uniqueDays(now time.Time, n int) map[string]bool {
	m := map[string]bool{}
	for i := range n {
		m[now.Add(time.Duration(-i)*time.Minute).In(vocab.London).Format("2006-01-02")] = true
	}
	return m
}
