package complaintgen_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/demo"
	"github.com/campaignwatch/campaignwatch/internal/demo/complaintgen"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

func deps(t *testing.T, pool *pgxpool.Pool) complaintgen.Deps {
	t.Helper()
	rb, err := triage.DefaultRulebook()
	require.NoError(t, err)
	engine, err := triage.NewEngine(rb)
	require.NoError(t, err)
	inserter := fixture.InsertOnlyJobs(t, pool)
	elections, err := outreach.NewService(pool, outreach.Settings{}, nil, inserter)
	require.NoError(t, err)
	return complaintgen.Deps{Pool: pool, Parties: parties.NewStore(pool), Elections: elections,
		Complaints: complaints.NewService(pool, nil), Review: review.NewPipeline(pool, engine)}
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// The generator makes the election once, and complaints with their
// complainants, current triage results (priority as stored on the
// complaint) and, for closed ones, review outcomes.
func TestGenerate(t *testing.T) {
	t.Parallel()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	pool := testdb.New(t)
	d := deps(t, pool)

	_, err := complaintgen.Generate(ctx, d, 10, 1)
	require.ErrorContains(t, err, "no parties")
	// The election made before the parties were found missing went with
	// the rest of the run.
	_, err = d.Elections.LatestElection(ctx, "general")
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))

	inserter := fixture.InsertOnlyJobs(t, pool)
	_, err = demo.Load(ctx, demo.Deps{Parties: d.Parties, Staff: staff.NewService(pool, staff.Settings{}, inserter)})
	require.NoError(t, err)
	res, err := complaintgen.Generate(ctx, d, 0, 1)
	require.NoError(t, err)
	require.True(t, res.Created)
	require.Zero(t, res.Complaints)
	e, err := d.Elections.LatestElection(ctx, "general")
	require.NoError(t, err)
	require.Equal(t, res.ElectionID, e.ID)
	require.Equal(t, complaintgen.ElectionName, e.Name)
	require.Equal(t, 42, int(e.PollingDay.Sub(e.AnnouncedOn).Hours()/24))

	const n = 700
	res2, err := complaintgen.Generate(ctx, d, n, 7)
	require.NoError(t, err)
	require.False(t, res2.Created)
	require.Equal(t, res.ElectionID, res2.ElectionID)
	require.Equal(t, n, res2.Complaints)

	require.Equal(t, n, count(t, pool, `SELECT count(*) FROM complaints WHERE election_id = $1 AND source = 'demo'`, res.ElectionID))
	require.Equal(t, n, count(t, pool, `SELECT count(DISTINCT reference) FROM complaints`))
	people := count(t, pool, `SELECT count(*) FROM complainants`)
	require.Greater(t, people, n*3/4)
	require.Less(t, people, n)
	require.Zero(t, count(t, pool, `SELECT count(*) FROM complaints c WHERE c.sender_normalized = '' AND c.sender <> ''`))

	triaged := count(t, pool, `SELECT count(*) FROM complaints WHERE priority IS NOT NULL`)
	require.Greater(t, triaged, n*3/4)
	require.Less(t, triaged, n)
	require.Equal(t, triaged, count(t, pool, `SELECT count(*) FROM triage_results t JOIN complaints c ON c.id = t.complaint_id
		WHERE t.is_current AND t.priority = c.priority`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM complaints WHERE priority IS NULL AND status <> 'new'`))

	// Policy 2: data_breach complaints with their answers, the structured
	// facts where the channel asks them, and out-of-scope complaints with
	// the referral intake gave.
	require.Positive(t, count(t, pool, `SELECT count(*) FROM complaints WHERE channel = 'data_breach' AND breach_where <> '' AND cardinality(breach_exposed) > 0`))
	require.Zero(t, count(t, pool, `SELECT count(*) FROM complaints WHERE channel <> 'data_breach' AND (breach_where <> '' OR cardinality(breach_exposed) > 0)`))
	require.Positive(t, count(t, pool, `SELECT count(*) FROM complainants WHERE contacted <> ''`))
	require.Positive(t, count(t, pool, `SELECT count(*) FROM complaints WHERE member IS NOT NULL`))
	require.Positive(t, count(t, pool, `SELECT count(*) FROM complaints WHERE asked_to_stop_on IS NOT NULL`))
	referred := count(t, pool, `SELECT count(*) FROM complaints WHERE referral IS NOT NULL`)
	require.Positive(t, referred)
	require.Less(t, referred, n/10, "a few out-of-scope complaints")
	require.Zero(t, count(t, pool, `SELECT count(*) FROM complaints WHERE referral IS NOT NULL AND referral NOT IN
		('action_fraud', 'data_rights', 'ofcom', 'electoral_registration', 'electoral_commission', 'no_body')`))
	require.Positive(t, count(t, pool, `SELECT count(*) FROM complaints WHERE referral IS NOT NULL AND priority = 'low'`))

	closed := count(t, pool, `SELECT count(*) FROM complaints WHERE status = 'closed' AND closed_at IS NOT NULL`)
	require.Positive(t, closed)
	require.Equal(t, closed, count(t, pool, `SELECT count(*) FROM complaint_reviews r JOIN complaints c ON c.id = r.complaint_id
		WHERE c.status = 'closed' AND r.outcome IS NOT NULL`))
	require.Equal(t, closed, count(t, pool, `SELECT count(*) FROM complaint_reviews`))

	// The run is one demo.complaints entry on the election; the run that
	// made no complaints has none.
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'demo.complaints'`))
	require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM audit_log WHERE action = 'election.create'`))
	var objectID, summary string
	require.NoError(t, pool.QueryRow(ctx, `SELECT object_id, summary::text FROM audit_log WHERE action = 'demo.complaints' AND object_type = 'election'`).
		Scan(&objectID, &summary))
	require.Equal(t, fmt.Sprint(res.ElectionID), objectID)
	require.JSONEq(t, fmt.Sprintf(`{"after": {"complaints": %d}}`, n), summary)
	require.NoError(t, pool.QueryRow(ctx, `SELECT object_id, summary::text FROM audit_log WHERE action = 'election.create'`).Scan(&objectID, &summary))
	require.Equal(t, fmt.Sprint(res.ElectionID), objectID)
	require.JSONEq(t, fmt.Sprintf(`{"after": {"name": %q, "name_cy": %q, "demo": true}}`, complaintgen.ElectionName, complaintgen.ElectionNameCY), summary)
	require.Zero(t, count(t, pool, `SELECT count(*) FROM audit_log WHERE action NOT IN ('demo.load', 'demo.complaints', 'election.create', 'user.create')`))
}

// A run that fails part way, here when the last owner writes (the review
// outcomes, after the election, complaints, complainants and triage
// results), leaves nothing behind.
func TestGenerateFailingLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	pool := testdb.New(t)
	d := deps(t, pool)
	_, err := demo.Load(ctx, demo.Deps{Parties: d.Parties, Staff: staff.NewService(pool, staff.Settings{}, fixture.InsertOnlyJobs(t, pool))})
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `CREATE FUNCTION refuse_review() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'review refused'; END $$;
		CREATE TRIGGER refuse_review BEFORE INSERT ON complaint_reviews FOR EACH ROW EXECUTE FUNCTION refuse_review()`)
	require.NoError(t, err)
	before := count(t, pool, `SELECT count(*) FROM audit_log`)

	_, err = complaintgen.Generate(ctx, d, 300, 3)
	require.ErrorContains(t, err, "review refused")

	for _, table := range []string{"elections", "complaints", "complainants", "triage_results", "complaint_reviews"} {
		require.Zero(t, count(t, pool, `SELECT count(*) FROM `+table), table)
	}
	require.Equal(t, before, count(t, pool, `SELECT count(*) FROM audit_log`))
}
