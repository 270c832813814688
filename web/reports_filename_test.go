package web_test

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet/spreadsheettest"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

// downloadName is the file name res offers its body as, failing unless it
// is an attachment.
func downloadName(t *testing.T, res *http.Response) string {
	t.Helper()
	disp, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	require.NoError(t, err, res.Header.Get("Content-Disposition"))
	require.Equal(t, "attachment", disp)
	return params["filename"]
}

// An export's file is named after what it holds: the election's name
// and the days it covers, or all elections and the dates chosen.
func TestExportFileNamesSayWhatTheyHold(t *testing.T) {
	t.Parallel()
	env, election := reportsEnv(t, 20, "5000")
	var name string
	var announced, polling time.Time
	var followUp int
	require.NoError(t, env.Pool.QueryRow(context.Background(),
		`SELECT name, announced_on, polling_day, follow_up_days FROM elections WHERE id = $1`, election).Scan(&name, &announced, &polling, &followUp))
	analyst := env.SignedIn(staff.RoleAnalyst)

	res := analyst.PostForm("/staff/reports/exports", url.Values{"election": {fmt.Sprint(election)}, "format": {"xlsx"}})
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "UK Parliamentary general election (demo)", name, "the demo election the expected name is spelt from")
	require.Equal(t, fmt.Sprintf("campaignwatch-uk-parliamentary-general-election-demo-%s-%s.xlsx",
		announced.Format("2006-01-02"), polling.AddDate(0, 0, followUp).Format("2006-01-02")), downloadName(t, res))
	// The file streamed back is the workbook, formula text quote-prefixed.
	spreadsheettest.RequireQuotedFormulaText(t, spreadsheettest.Cells(t, []byte(body)))

	from := vocab.Today().AddDate(0, 0, -30)
	res = analyst.PostForm("/staff/reports/exports", url.Values{"from": {from.Format("2006-01-02")}, "to": {vocab.Today().Format("2006-01-02")}, "format": {"csv"}})
	webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, fmt.Sprintf("campaignwatch-all-elections-%s-%s.csv", from.Format("2006-01-02"), vocab.Today().Format("2006-01-02")), downloadName(t, res))

	// An election that does not exist is refused, not named.
	res = analyst.PostForm("/staff/reports/exports", url.Values{"election": {"999999"}, "format": {"csv"}})
	webtest.ReadBody(res)
	require.NotEqual(t, http.StatusOK, res.StatusCode)
}

// The audit programme's workbook is named the same way: the programme
// and the day it was made.
func TestAuditWorkbookFileName(t *testing.T) {
	t.Parallel()
	env, prog, _ := auditOutputsEnv(t)
	res := env.SignedIn(staff.RoleAnalyst).Get(fmt.Sprintf("/staff/audits/programmes/%d/workbook.xlsx", prog.ID))
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "Party audits 2019", prog.Name)
	require.Equal(t, "campaignwatch-audit-party-audits-2019-"+vocab.Today().Format("2006-01-02")+".xlsx", downloadName(t, res))
	spreadsheettest.RequireQuotedFormulaText(t, spreadsheettest.Cells(t, []byte(body)))
}
