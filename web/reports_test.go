package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/demo/complaintgen"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/reports"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func reportsEnv(t *testing.T, n int, asyncRows string) (*webtest.Env, int64) {
	t.Helper()
	env := webtest.New(t, webtest.Options{Env: map[string]string{"EXPORT_ASYNC_ROWS": asyncRows}})
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	loadDemo(t, ctx, env)
	res := generateDemoComplaints(t, ctx, env, n, 7)
	return env, res.ElectionID
}

func TestSmallExportStreamsBackAndIsAudited(t *testing.T) {
	t.Parallel()
	env, election := reportsEnv(t, 120, "5000")
	analyst := env.SignedIn(staff.RoleAnalyst)
	res := analyst.Get("/staff/reports")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, complaintgen.ElectionName)

	res = analyst.PostForm("/staff/reports/exports", url.Values{"election": {fmt.Sprint(election)}, "format": {"xlsx"}})
	data := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, reports.ContentType("xlsx"), res.Header.Get("Content-Type"))
	x, err := excelize.OpenReader(strings.NewReader(data))
	require.NoError(t, err)
	rows, err := x.GetRows("Complaints")
	require.NoError(t, err)
	require.Len(t, rows, 121)

	var audited int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'report.export.download' AND actor = $1`, analyst.User.Email).Scan(&audited))
	require.Equal(t, 1, audited)

	// Validation: neither election nor dates.
	res = analyst.PostForm("/staff/reports/exports", url.Values{"format": {"xlsx"}})
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, "Choose an election, or enter both a start and an end date")

	// Triage officers cannot export; the political team can read but not export.
	res = env.SignedIn(staff.RoleTriageOfficer).Get("/staff/reports")
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
	pol := env.SignedIn(staff.RolePoliticalTeam)
	res = pol.Get("/staff/reports")
	require.Contains(t, webtest.ReadBody(res), "can read reports but not download")
	res = pol.PostForm("/staff/reports/exports", url.Values{"election": {fmt.Sprint(election)}, "format": {"csv"}})
	res.Body.Close()
	require.Equal(t, http.StatusForbidden, res.StatusCode)
}

func TestLargeExportRunsAsJob(t *testing.T) {
	t.Parallel()
	env, election := reportsEnv(t, 300, "100")
	// A worker for the reports queue, on the same database.
	reg := jobs.NewRegistry()
	reports.Register(reg, env.Reports)
	worker, err := jobs.NewClient(env.Pool, reg, jobs.Options{Workers: map[string]int{"reports": 1}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, worker.Start(ctx))
	t.Cleanup(func() { cancel(); _ = worker.Stop(context.Background()) })

	analyst := env.SignedIn(staff.RoleAnalyst)
	res := analyst.PostForm("/staff/reports/exports", url.Values{"election": {fmt.Sprint(election)}, "format": {"csv"}, "text": {"yes"}})
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	page := res.Header.Get("Location")
	require.Regexp(t, `^/staff/reports/exports/\d+$`, page)

	var body string
	require.Eventually(t, func() bool {
		res := analyst.Get(page)
		body = webtest.ReadBody(res)
		return strings.Contains(body, "Your file is ready")
	}, 30*time.Second, 200*time.Millisecond)
	require.Contains(t, body, "300 complaints")
	require.Regexp(t, `Download campaignwatch-uk-parliamentary-general-election-demo-[0-9-]+\.csv`, body)

	// Another analyst cannot see it; an admin can.
	res = env.SignedIn(staff.RoleAnalyst).Get(page + "/file")
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode)

	res = analyst.Get(page + "/file")
	csvBody := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Regexp(t, `^campaignwatch-uk-parliamentary-general-election-demo-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$`, downloadName(t, res),
		"a queued export is named as a streamed one is")
	require.Equal(t, 301, strings.Count(csvBody, "\r\nCW-")+1)
	res = env.SignedIn(staff.RoleAdmin).Get(page + "/file")
	require.Equal(t, csvBody, webtest.ReadBody(res))

	var audited int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'report.export.download' AND object_id = $1`, strings.TrimPrefix(page, "/staff/reports/exports/")).Scan(&audited))
	require.Equal(t, 2, audited)

	// Expired exports are deleted with their files.
	_, err = env.Pool.Exec(context.Background(), `UPDATE report_exports SET expires_at = now() - interval '1 second'`)
	require.NoError(t, err)
	n, err := env.Reports.DeleteExpired(context.Background())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	var chunks int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM report_export_chunks`).Scan(&chunks))
	require.Zero(t, chunks)
}

func TestTrendsAPI(t *testing.T) {
	t.Parallel()
	env, election := reportsEnv(t, 200, "5000")
	token, _ := env.Token(staff.RoleAnalyst)
	req, _ := http.NewRequest(http.MethodGet, env.Server.URL+fmt.Sprintf("/api/v1/trends?election=%d&group=day,channel", election), nil)
	res := env.Anonymous().Do(req, token)
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	var out struct {
		Total     int              `json:"total"`
		Rows      []map[string]any `json:"rows"`
		Note      string           `json:"note"`
		Referrals []struct {
			ID    string `json:"referral"`
			Label string `json:"label"`
			Count int    `json:"count"`
		} `json:"referrals"`
	}
	require.NoError(t, json.NewDecoder(bytes.NewReader([]byte(body))).Decode(&out))
	require.Equal(t, 200, out.Total, "the total counts each complaint once")
	require.Equal(t, reports.ChannelCountNote, out.Note)
	// A complaint counts once under each channel it reports: its current
	// triage result's channels (that result's primary channel when it
	// lists none), or the stated channel while untriaged.
	const reported = `SELECT count(*) FROM complaints c LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
		WHERE c.election_id = $1 AND (c.received_at AT TIME ZONE 'Europe/London')::date = $3::date
		AND $2 = ANY(CASE WHEN t.id IS NULL THEN ARRAY[c.channel] WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END)`
	sum := 0
	for _, r := range out.Rows {
		require.NotEmpty(t, r["day"])
		require.NotEmpty(t, r["channel"])
		var want int
		require.NoError(t, env.Pool.QueryRow(context.Background(), reported, election, r["channel"], r["day"]).Scan(&want))
		require.EqualValues(t, want, r["count"])
		sum += int(r["count"].(float64))
	}
	// Every (complaint, reported channel) pair is in some row.
	var pairs int
	require.NoError(t, env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints c LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
		CROSS JOIN LATERAL (SELECT DISTINCT u FROM unnest(CASE WHEN t.id IS NULL THEN ARRAY[c.channel]
			WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END) u) rc
		WHERE c.election_id = $1`, election).Scan(&pairs))
	require.Equal(t, pairs, sum)
	require.GreaterOrEqual(t, sum, 200)

	// Referral counts: the out-of-scope complaints by the body they were
	// referred to, most first, with the body in words.
	rows, err := env.Pool.Query(context.Background(), `SELECT t.referral, count(*) FROM complaints c
		JOIN triage_results t ON t.complaint_id = c.id AND t.is_current AND t.out_of_scope
		WHERE c.election_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1`, election)
	require.NoError(t, err)
	var wantRefs []string
	for rows.Next() {
		var id string
		var n int
		require.NoError(t, rows.Scan(&id, &n))
		wantRefs = append(wantRefs, fmt.Sprintf("%s=%d", id, n))
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, wantRefs, "the demo data has out-of-scope complaints")
	var gotRefs []string
	for _, r := range out.Referrals {
		require.NotEmpty(t, r.Label, r.ID)
		require.NotEqual(t, r.ID, r.Label, "the body in words")
		gotRefs = append(gotRefs, fmt.Sprintf("%s=%d", r.ID, r.Count))
	}
	require.Equal(t, wantRefs, gotRefs)

	req, _ = http.NewRequest(http.MethodGet, env.Server.URL+"/api/v1/trends?group=colour", nil)
	res = env.Anonymous().Do(req, token)
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, `"field":"election"`)
}
