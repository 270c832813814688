package reports_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/demo"
	"github.com/campaignwatch/campaignwatch/internal/demo/complaintgen"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// loadDemo loads the demo registry and generates n demo complaints with
// seed 42, through the services the demo command uses.
func loadDemo(tb testing.TB, ctx context.Context, pool *pgxpool.Pool, n int) *complaintgen.Result {
	tb.Helper()
	registry := parties.NewStore(pool)
	if _, err := demo.Load(ctx, demo.Deps{Parties: registry, Staff: staff.NewService(pool, staff.Settings{}, fixture.InsertOnlyJobs(tb, pool))}); err != nil {
		tb.Fatal(err)
	}
	rb, err := triage.DefaultRulebook()
	if err != nil {
		tb.Fatal(err)
	}
	engine, err := triage.NewEngine(rb)
	if err != nil {
		tb.Fatal(err)
	}
	elections, err := outreach.NewService(pool, outreach.Settings{}, nil, fixture.InsertOnlyJobs(tb, pool))
	if err != nil {
		tb.Fatal(err)
	}
	res, err := complaintgen.Generate(ctx, complaintgen.Deps{Pool: pool, Parties: registry, Elections: elections,
		Complaints: complaints.NewService(pool, nil), Review: review.NewPipeline(pool, engine)}, n, 42)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}
