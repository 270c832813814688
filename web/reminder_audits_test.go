package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// The preview of an election reminder shows what the letters to a party
// with open audit recommendations add, and only for that party.
func TestReminderPreviewShowsAPartysOpenRecommendations(t *testing.T) {
	t.Parallel()
	e := webtest.New(t, webtest.Options{})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, e)
	englishOnly(t, e)
	_, err := e.App.Outreach.Seed(ctx)
	require.NoError(t, err)
	var snp, labour int64
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'SNP'`).Scan(&snp))
	require.NoError(t, e.Pool.QueryRow(ctx, `SELECT id FROM parties WHERE short_name = 'Labour'`).Scan(&labour))
	const action = "Check how each list supplier collected the data before buying it."
	fixture.New(t, e.Pool).UseAudits(e.App.Audits).Audit(fixture.AuditParty(snp), fixture.AuditState("report_issued"),
		fixture.AuditRecs(fixture.DefaultRec(fixture.RecArea("profiling"), func(in *audits.RecommendationInput) { in.Action = action })))

	c := e.SignedIn(staff.RolePoliticalTeam)
	form := url.Values{"template": {"election-reminder"}, "party_ids": {jsonInt(snp), jsonInt(labour)},
		"fields": {"ElectionName=the 2099 elections\nPollingDay=Thursday 7 May 2099\nAnnouncementDate=1 April 2099"}}
	res := c.PostForm("/staff/letters/new", form)
	page := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, page)
	text := html.UnescapeString(page)
	require.Contains(t, text, "The letters to Scottish National Party also list its open audit recommendations")
	require.Contains(t, text, action)
	require.NotContains(t, text, "The letters to Labour Party also list")
	require.Equal(t, 1, strings.Count(text, "also list its open audit recommendations"))
}
