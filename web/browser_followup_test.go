package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// TestBrowserFollowUpReportPages walks the election report, its draft form
// with an error, and a party's report in English and Welsh in Chromium,
// with axe on every page.
func TestBrowserFollowUpReportPages(t *testing.T) {
	t.Parallel()
	env, election := reportsEnv(t, 120, "5000")
	ctx := context.Background()
	svc, err := outreach.NewService(env.Pool, outreach.Settings{}, nil, fixture.InsertOnlyJobs(t, env.Pool))
	require.NoError(t, err)
	_, err = svc.Seed(ctx)
	require.NoError(t, err)
	var partyID int64
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT party_id FROM complaints WHERE election_id = $1 AND party_id IS NOT NULL
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`, election).Scan(&partyID))
	_, err = env.Pool.Exec(ctx, `UPDATE parties SET nations = ARRAY['wales', 'england'] WHERE id = $1`, partyID)
	require.NoError(t, err)

	// Open audit recommendations, one with Welsh text: the party's report
	// lists the complaints that touch them.
	fixture.New(t, env.Pool).UseAudits(env.App.Audits).Audit(fixture.AuditParty(partyID), fixture.AuditState("report_issued"),
		fixture.AuditRecs(fixture.DefaultRec(fixture.RecPriority("urgent"), fixture.RecArea("social_media_targeting"), fixture.RecProvisions("UKGDPR-26")),
			fixture.DefaultRec(fixture.RecWelsh("Canfyddiad.", "Ailysgrifennwch yr hysbysiad preifatrwydd."))))

	u := env.CreateUser(staff.RolePoliticalTeam)
	b := newTab(t, newBrowser(t), env.Server.URL)
	b.open("/staff/login")
	b.set("email", u.Email)
	b.set("password", webtest.Password)
	b.submit(`button[type=submit]`, "/staff/")

	path := fmt.Sprintf("/staff/reports/elections/%d", election)
	b.open(path)
	require.NotEmpty(t, b.attr(`#reply_by`, "value"), "the reply date starts filled in")
	eval[bool](b, `["reply_by", "reply_by-month", "reply_by-year"].forEach(id => document.getElementById(id).value = ""); true`)
	b.submit(`form[action$="/follow-up"] button[type=submit]`, path+"/follow-up")
	require.Contains(t, b.text(".error-summary"), "Enter the date you want the parties to reply by")
	require.Contains(t, b.text("#reply_by-error"), "Enter the date you want the parties to reply by")

	b.open(fmt.Sprintf("/staff/reports/elections/%d/parties/%d", election, partyID))
	require.Contains(t, b.text("h1"), "Complaints about")
	require.Contains(t, b.text("main"), "Your open audit recommendations")
	b.open(fmt.Sprintf("/staff/reports/elections/%d/parties/%d?lang=cy", election, partyID))
	require.Contains(t, b.text("h1"), "Cwynion am")
	require.Contains(t, b.text("main"), "Beth rydym yn gofyn i chi ei wneud")
	require.Contains(t, b.text("main"), "Eich argymhellion archwilio sydd ar agor")
	require.Contains(t, b.text("main"), "Ailysgrifennwch yr hysbysiad preifatrwydd.")
}
