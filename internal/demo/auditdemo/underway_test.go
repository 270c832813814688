package auditdemo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/demo/auditdemo"
)

// The audit under way is what a newcomer needs to see the daily work:
// overdue urgent and high recommendations, the party's open ones on its
// page and in reminders, loaded once.
func TestDemoAuditUnderWayHasOverdueUrgentAndHighRecommendations(t *testing.T) {
	t.Parallel()
	ctx, pool, registry, svc := loadDemo(t)

	res, err := auditdemo.LoadUnderWay(ctx, svc, registry)
	require.NoError(t, err)
	require.True(t, res.Created)
	require.Equal(t, 6, res.Recommendations)

	overdue, err := svc.Overdue(ctx, vocab.Today())
	require.NoError(t, err)
	require.Len(t, overdue, res.Overdue)
	require.Equal(t, 3, res.Overdue, "two urgent or high past their target with no update since, and one high")
	for _, o := range overdue {
		require.Equal(t, auditdemo.UnderWayParty, o.PartyName)
		require.Contains(t, []string{"urgent", "high"}, o.Rec.Priority)
	}

	var partyID int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM parties WHERE name = $1`, auditdemo.UnderWayParty).Scan(&partyID))
	ov, err := svc.PartyOverview(ctx, partyID)
	require.NoError(t, err)
	require.Len(t, ov.Audits, 1)
	require.Equal(t, "follow_up", ov.Audits[0].State)
	require.Len(t, ov.Open, 4, "its urgent and high recommendations are all open")
	open, err := svc.OpenRecommendations(ctx, []int64{partyID})
	require.NoError(t, err)
	require.Len(t, open[partyID], 6)

	again, err := auditdemo.LoadUnderWay(ctx, svc, registry)
	require.NoError(t, err)
	require.False(t, again.Created)
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM audits`).Scan(&n))
	require.Equal(t, 1, n)
}
