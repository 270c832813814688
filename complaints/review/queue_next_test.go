package review_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/review"
)

// queueOrder is every reference of the queue f chooses, in its order,
// read page by page.
func queueOrder(t *testing.T, svc *review.Service, f review.Filter) []string {
	t.Helper()
	var refs []string
	f.PerPage = 200
	for f.Page = 1; ; f.Page++ {
		pg, err := svc.Queue(context.Background(), f)
		require.NoError(t, err)
		for _, it := range pg.Items {
			refs = append(refs, it.Reference)
		}
		if f.Page*pg.PerPage >= pg.Total {
			return refs
		}
	}
}

// TestNextFollowsTheQueueBeyondAPage walks a queue longer than the
// largest page in every order: the complaint after each one is the next
// row the queue lists, and after the last there is none (no wrapping).
func TestNextFollowsTheQueueBeyondAPage(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	base := time.Now().Add(-48 * time.Hour).Truncate(time.Minute)
	const n = 215
	for i := range n {
		// Pairs share a time, so the id decides between them.
		s := sms(fmt.Sprintf("07700 9%05d", i), fmt.Sprintf("Vote for us, message %d", i), base.Add(time.Duration(i/2)*time.Minute))
		if i%7 == 0 {
			b.triaged(t, s) // some have a priority and a score, most none
		} else {
			b.submit(t, s)
		}
	}
	for _, sort := range []string{review.SortPriority, review.SortReceived, review.SortReceivedAsc, review.SortScore} {
		f := review.Filter{Sort: sort, Channel: "sms"}
		order := queueOrder(t, b.review, f)
		require.Len(t, order, n, sort)
		for i, ref := range order {
			want := ""
			if i+1 < len(order) {
				want = order[i+1]
			}
			got, err := b.review.Next(ctx, f, ref)
			require.NoError(t, err)
			require.Equal(t, want, got, "%s: after %s (row %d)", sort, ref, i)
		}
	}

	// A complaint outside the queue (triaged, in a queue of new ones) leads to the
	// queue's first.
	newOnly := review.Filter{Status: "new"}
	order := queueOrder(t, b.review, newOnly)
	all := queueOrder(t, b.review, review.Filter{Status: "triaged"})
	require.NotEmpty(t, all)
	got, err := b.review.Next(ctx, newOnly, all[0])
	require.NoError(t, err)
	require.Equal(t, order[0], got)

	// A filter that does not validate is refused.
	_, err = b.review.Next(ctx, review.Filter{Sort: "sideways"}, order[0])
	require.Error(t, err)
}
