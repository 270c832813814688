package auditdemo_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/demo/auditdemo"
)

// The demo audit programme is the closed 2019 round of seven compulsory
// audits, through every state, with recommendations in the shares of the
// 2020 summary report (31/39/27/3 %), Welsh texts for the parties that read Welsh, and
// loaded only once.
func TestDemoAuditProgrammeIsClosedInTheSeedsSharesAndLoadedOnce(t *testing.T) {
	t.Parallel()
	ctx, pool, registry, svc := loadDemo(t)

	res, err := auditdemo.Load(ctx, svc, registry)
	require.NoError(t, err)
	require.True(t, res.Created)
	require.Equal(t, len(auditdemo.AuditedParties), res.Audits)
	require.Equal(t, 100, res.Recommendations)

	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		require.NoError(t, pool.QueryRow(ctx, q, args...).Scan(&n))
		return n
	}
	// The shares, as the summary report computes them: round(100 n / total).
	rows, err := pool.Query(ctx, `SELECT r.priority, round(100.0 * count(*) / sum(count(*)) OVER ())::int
		FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id WHERE a.programme_id = $1 GROUP BY 1`, res.ProgrammeID)
	require.NoError(t, err)
	shares := map[string]int{}
	for rows.Next() {
		var p string
		var pct int
		require.NoError(t, rows.Scan(&p, &pct))
		shares[p] = pct
	}
	require.NoError(t, rows.Err())
	require.Equal(t, map[string]int{"urgent": 31, "high": 39, "medium": 27, "low": 3}, shares)
	require.Equal(t, auditdemo.ProgrammeShares, shares)

	// Seven closed compulsory audits of the seven parties, dated in order
	// within 2019 to 2021, mostly of limited assurance and concluding
	// meaningful progress.
	require.Equal(t, 7, count(`SELECT count(DISTINCT a.party_id) FROM audits a JOIN parties p ON p.id = a.party_id
		WHERE a.programme_id = $1 AND p.name = ANY($2) AND a.state = 'closed' AND a.audit_type = 'compulsory'`, res.ProgrammeID, auditdemo.AuditedParties))
	require.Zero(t, count(`SELECT count(*) FROM audits WHERE programme_id = $1 AND NOT (
		notice_on <= fieldwork_from AND fieldwork_from <= fieldwork_to AND fieldwork_to <= report_on AND report_on <= follow_up_on
		AND notice_on >= '2019-01-01' AND follow_up_on <= '2021-12-31' AND btrim(good_practice) <> '' AND conclusion IS NOT NULL
		AND cardinality(auditors) > 0 AND cardinality(scope) > 0)`, res.ProgrammeID))
	require.Greater(t, count(`SELECT count(*) FROM audits WHERE programme_id = $1 AND assurance = 'limited'`, res.ProgrammeID), 3)
	require.Greater(t, count(`SELECT count(*) FROM audits WHERE programme_id = $1 AND conclusion = 'meaningful_progress'`, res.ProgrammeID), 3)

	// Every area has recommendations, each answered and reviewed; progress
	// updates were noted; the programme has its key findings.
	require.Equal(t, 6, count(`SELECT count(DISTINCT area) FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id WHERE a.programme_id = $1`, res.ProgrammeID))
	require.Zero(t, count(`SELECT count(*) FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id
		WHERE a.programme_id = $1 AND (r.response IS NULL OR r.status IS NULL)`, res.ProgrammeID))
	require.Greater(t, count(`SELECT count(*) FROM audit_progress g JOIN audit_recommendations r ON r.id = g.recommendation_id
		JOIN audits a ON a.id = r.audit_id WHERE a.programme_id = $1`, res.ProgrammeID), 50)
	require.Equal(t, 6, count(`SELECT count(*) FROM audit_programme_findings WHERE programme_id = $1 AND finding_cy <> ''`, res.ProgrammeID))
	require.Greater(t, count(`SELECT count(DISTINCT status) FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id WHERE a.programme_id = $1`, res.ProgrammeID), 3)

	// Every recommendation and every audit's good practice is in Welsh
	// too: most audited parties have Welsh readers, so their follow-up
	// reports are bilingual, and the summary can be published in Welsh.
	require.Zero(t, count(`SELECT count(*) FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id
		WHERE a.programme_id = $1 AND (r.finding_cy = '' OR r.action_cy = '')`, res.ProgrammeID))
	require.Zero(t, count(`SELECT count(*) FROM audits WHERE programme_id = $1 AND good_practice_cy = ''`, res.ProgrammeID))
	as, err := svc.Audits(ctx, audits.AuditFilter{ProgrammeID: res.ProgrammeID})
	require.NoError(t, err)
	for _, a := range as {
		_, err := svc.FollowUpReport(ctx, a.ID)
		require.NoError(t, err, "the follow-up report of the %s audit", a.PartyName)
	}
	sum, err := svc.Summary(ctx, res.ProgrammeID)
	require.NoError(t, err)
	require.NoError(t, sum.Welsh(), "the summary can be published in Welsh")

	// The programme is closed: nothing is overdue and no party has an open
	// recommendation for a reminder to mention.
	overdue, err := svc.Overdue(ctx, time.Now())
	require.NoError(t, err)
	require.Empty(t, overdue)

	// Loading again adds nothing.
	before := count(`SELECT count(*) FROM audit_recommendations`) + count(`SELECT count(*) FROM audits`) + count(`SELECT count(*) FROM audit_progress`)
	again, err := auditdemo.Load(ctx, svc, registry)
	require.NoError(t, err)
	require.False(t, again.Created)
	require.Equal(t, res.ProgrammeID, again.ProgrammeID)
	require.Equal(t, before, count(`SELECT count(*) FROM audit_recommendations`)+count(`SELECT count(*) FROM audits`)+count(`SELECT count(*) FROM audit_progress`))
	require.Equal(t, 1, count(`SELECT count(*) FROM audit_programmes`))
}
