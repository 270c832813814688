package auditdemo_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/demo"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// loadDemo is a fresh database with the rest of the demo loaded (its
// parties and staff, which the audit demo builds on), the party registry
// and the audit service over it, and a context acting as the test.
func loadDemo(t *testing.T) (context.Context, *pgxpool.Pool, *parties.Store, *audits.Service) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	pool := testdb.New(t)
	registry := parties.NewStore(pool)
	_, err := demo.Load(ctx, demo.Deps{Parties: registry, Staff: staff.NewService(pool, staff.Settings{}, fixture.InsertOnlyJobs(t, pool))})
	require.NoError(t, err)
	return ctx, pool, registry, fixture.New(t, pool).Audits()
}
