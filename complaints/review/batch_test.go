package review_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

const campaignText = "Hi %s, polling day is Thursday 4 July. Example Party needs your vote to win here. Find your polling station at example.org/vote. Reply STOP to opt out"

func TestTriageBatchClaimsWaitingComplaintsOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	now := time.Now()
	var all []complaints.Receipt
	// Four complaints about one number written three ways, three
	// near-identical texts from different numbers, and one unrelated.
	for i, sender := range []string{"07700 900123", "+44 7700 900123", "07700900123", "07700 900123"} {
		all = append(all, b.submit(t, sms(sender, fmt.Sprintf("Short text %d", i), now.Add(time.Duration(i-5)*time.Hour))))
	}
	for i, name := range []string{"Ann", "Bob", "Cat"} {
		all = append(all, b.submit(t, sms(fmt.Sprintf("0770090020%d", i), strings.Replace(campaignText, "%s", name, 1), now.Add(time.Duration(-i)*time.Minute))))
	}
	all = append(all, b.submit(t, sms("07700900299", "Your local councillor has been working hard on potholes this year and wants to hear from you", now)))

	// One job claims and triages every complaint waiting.
	stored, err := b.pipeline.TriageBatch(ctx, all[0].ComplaintID)
	require.NoError(t, err)
	require.Equal(t, len(all), stored)
	require.Equal(t, len(all), b.count(t, `SELECT count(*) FROM triage_results WHERE is_current`))
	require.Equal(t, 0, b.count(t, `SELECT count(*) FROM complaints WHERE status = 'new' OR priority IS NULL`))
	require.Equal(t, len(all), b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.triage'`))
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.triage' AND object_id = $1`, all[5].Reference))
	require.Equal(t, 4, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'sender' AND key = '+447700900123'`))
	require.Equal(t, 3, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, 2, b.count(t, `SELECT count(*) FROM complaint_clusters`))
	// The latest about the number has the three earlier ones in its week,
	// whichever order the batch met them in; the first has none.
	require.Equal(t, 3, b.count(t, `SELECT (context->>'same_sender_7d')::int FROM triage_results WHERE complaint_id = $1`, all[3].ComplaintID))
	require.Equal(t, 0, b.count(t, `SELECT (context->>'same_sender_7d')::int FROM triage_results WHERE complaint_id = $1`, all[0].ComplaintID))
	require.Equal(t, 2, b.count(t, `SELECT (context->>'cluster_7d')::int FROM triage_results WHERE complaint_id = $1`, all[4].ComplaintID))

	// The other complaints' jobs, and direct runs, then store nothing.
	for _, rc := range all {
		n, err := b.pipeline.TriageBatch(ctx, rc.ComplaintID)
		require.NoError(t, err)
		require.Zero(t, n)
		out, err := b.pipeline.Triage(ctx, rc.ComplaintID)
		require.NoError(t, err)
		require.False(t, out.Stored)
		require.NotZero(t, out.ResultID)
	}
	require.Equal(t, len(all), b.count(t, `SELECT count(*) FROM triage_results`))
	require.Equal(t, len(all), b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.triage'`))

	// A job for a complaint that is gone does nothing.
	n, err := b.pipeline.TriageBatch(ctx, 1<<40)
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestTriageBatchKeepsOverrideAndHistoryOnNewRulebook(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	officer := b.officer(t, "officer@example.org", staff.RoleTriageOfficer)
	rc := b.triaged(t, sms("07700900301", "Vote Example Party", time.Now().Add(-time.Hour)))
	require.NoError(t, b.review.Override(officer, rc.Reference, review.Override{
		Priority: "urgent", Provisions: []string{"PECR-22"}, Reason: "Sent to a child's phone"}))

	changed := review.NewPipeline(b.pool, engine(t, func(s string) string {
		return strings.Replace(s, `version: "2026.12"`, `version: "test-2"`, 1)
	}))
	n, err := changed.TriageBatch(ctx, rc.ComplaintID)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	d, err := b.review.Get(officer, rc.Reference)
	require.NoError(t, err)
	require.Len(t, d.History, 2)
	require.Equal(t, "test-2", d.Current.RulebookVersion)
	require.Equal(t, "urgent", d.Priority, "the officer's priority outlasts a re-triage")
	require.Equal(t, vocab.StatusInReview, d.Status)

	// Back to the first rulebook: its result becomes current again and
	// nothing new is stored.
	n, err = b.pipeline.TriageBatch(ctx, rc.ComplaintID)
	require.NoError(t, err)
	require.Zero(t, n)
	require.Equal(t, 2, b.count(t, `SELECT count(*) FROM triage_results WHERE complaint_id = $1`, rc.ComplaintID))
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM triage_results WHERE complaint_id = $1 AND is_current AND rulebook_version <> 'test-2'`, rc.ComplaintID))
}

// Many jobs at once, over complaints that share a sender or a text:
// each complaint gets exactly one result and the clusters come out whole.
func TestConcurrentTriageBatchesAgree(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	now := time.Now()
	var ids []int64
	for i := range 60 {
		var s complaints.Submission
		switch i % 3 {
		case 0:
			s = sms("07700 900555", fmt.Sprintf("Short text %d", i), now.Add(-time.Duration(i)*time.Minute))
		case 1:
			s = sms(fmt.Sprintf("07700 9%05d", i), strings.Replace(campaignText, "%s", fmt.Sprintf("Name%d", i), 1), now.Add(-time.Duration(i)*time.Minute))
		default:
			s = sms(fmt.Sprintf("07700 9%05d", i), fmt.Sprintf("Nothing alike %d", i), now)
		}
		ids = append(ids, b.submit(t, s).ComplaintID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ids); i += 6 {
				if _, err := b.pipeline.TriageBatch(ctx, ids[len(ids)-1-i]); err != nil {
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
	require.Equal(t, 60, b.count(t, `SELECT count(*) FROM triage_results`))
	require.Equal(t, 60, b.count(t, `SELECT count(DISTINCT complaint_id) FROM triage_results WHERE is_current`))
	require.Equal(t, 60, b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.triage'`))
	require.Equal(t, 20, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'sender'`))
	require.Equal(t, 20, b.count(t, `SELECT count(*) FROM complaint_cluster_members WHERE kind = 'sender'`))
	require.Equal(t, 1, b.count(t, `SELECT count(*) FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, 20, b.count(t, `SELECT size FROM complaint_clusters WHERE kind = 'text'`))
	require.Equal(t, 20, b.count(t, `SELECT count(*) FROM complaint_cluster_members WHERE kind = 'text'`))
	// Counts are of the complaints about the number already indexed when a
	// complaint was triaged, so they depend on the order the jobs ran in;
	// but none may count itself or one received after it.
	require.Equal(t, 0, b.count(t, `
SELECT count(*) FROM triage_results r JOIN complaints c ON c.id = r.complaint_id
WHERE (r.context->>'same_sender_7d')::int > (
    SELECT count(*) FROM complaints o WHERE o.sender = c.sender AND o.id <> c.id AND o.received_at < c.received_at)`))
	require.Positive(t, b.count(t, `SELECT max((context->>'same_sender_7d')::int) FROM triage_results`))
}
