package complaints_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// TestListFilters runs the staff list with each of its conditions
// (list.sql), alone and together, and pages through it with the cursor.
func TestListFilters(t *testing.T) {
	pool := testdb.New(t)
	client := fixture.InsertOnlyJobs(t, pool)
	svc := complaints.NewService(pool, client)
	ctx := context.Background()

	day := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	submit := func(channel, sender string, received time.Time) string {
		sub := complaints.Submission{
			Channel: channel, ReceivedAt: received, ReceivedAtHasTime: true, Sender: sender,
			Message: "Vote for us on Thursday!", Consent: "no", Source: "web", Lang: "en",
		}
		rc, err := svc.Submit(ctx, sub, complaints.Meta{IP: sender})
		require.NoError(t, err)
		return rc.Reference
	}
	smsEarly := submit("sms", "07700 900001", day)
	smsLate := submit("sms", "07700 900002", day.Add(48*time.Hour))
	call := submit("automated_call", "07700 900003", day.Add(24*time.Hour))

	refs := func(f complaints.Filter) []string {
		t.Helper()
		p, err := svc.List(ctx, f)
		require.NoError(t, err)
		out := []string{}
		for _, s := range p.Items {
			out = append(out, s.Reference)
		}
		return out
	}
	none := int64(-1)
	// Newest first: the order they were stored in, reversed.
	require.Equal(t, []string{call, smsLate, smsEarly}, refs(complaints.Filter{}))
	require.Equal(t, []string{smsLate, smsEarly}, refs(complaints.Filter{Channel: "sms"}))
	require.Equal(t, []string{call, smsLate}, refs(complaints.Filter{From: day.Add(time.Hour)}))
	require.Equal(t, []string{call, smsEarly}, refs(complaints.Filter{To: day.Add(25 * time.Hour)}))
	require.Equal(t, []string{smsLate}, refs(complaints.Filter{Channel: "sms", From: day.Add(time.Hour), To: day.Add(72 * time.Hour)}))
	require.Equal(t, []string{call, smsLate, smsEarly}, refs(complaints.Filter{Status: "new"}))
	require.Empty(t, refs(complaints.Filter{Status: "closed"}))
	require.Empty(t, refs(complaints.Filter{Priority: "urgent"}), "nothing is triaged")
	require.Empty(t, refs(complaints.Filter{PartyID: &none}))
	require.Empty(t, refs(complaints.Filter{ElectionID: &none}))

	// Pages of one, each continuing after the last.
	var paged []string
	f := complaints.Filter{Limit: 1}
	for {
		p, err := svc.List(ctx, f)
		require.NoError(t, err)
		for _, s := range p.Items {
			paged = append(paged, s.Reference)
		}
		if p.NextCursor == "" {
			break
		}
		require.Less(t, len(paged), 3, "a cursor after the last page")
		f.Cursor = p.NextCursor
	}
	require.Equal(t, []string{call, smsLate, smsEarly}, paged)
}
