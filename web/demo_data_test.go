package web_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/demo"
	"github.com/campaignwatch/campaignwatch/internal/demo/complaintgen"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// loadDemo loads the demo party registry and administrator into e's
// database, as `campaignwatch demo` does.
func loadDemo(t *testing.T, ctx context.Context, e *webtest.Env) {
	t.Helper()
	_, err := demo.Load(ctx, demo.Deps{Parties: parties.NewStore(e.Pool), Staff: e.Staff})
	require.NoError(t, err)
}

// generateDemoComplaints adds n demo complaints, as `campaignwatch demo
// --complaints n` does, with a fixed seed.
func generateDemoComplaints(t *testing.T, ctx context.Context, e *webtest.Env, n int, seed uint64) *complaintgen.Result {
	t.Helper()
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)
	engine, err := triage.NewEngine(rb)
	require.NoError(t, err)
	elections, err := outreach.NewService(e.Pool, outreach.Settings{}, nil, fixture.InsertOnlyJobs(t, e.Pool))
	require.NoError(t, err)
	res, err := complaintgen.Generate(ctx, complaintgen.Deps{Pool: e.Pool, Parties: parties.NewStore(e.Pool), Elections: elections,
		Complaints: complaints.NewService(e.Pool, nil), Review: review.NewPipeline(e.Pool, engine)}, n, seed)
	require.NoError(t, err)
	return res
}
