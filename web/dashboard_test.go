package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/demo/complaintgen"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/web/webtest"
)

func TestDashboardShowsActiveElectionFigures(t *testing.T) {
	t.Parallel()
	env, election := reportsEnv(t, 400, "5000")
	ctx := context.Background()

	// An urgent open complaint and an open alert, so both lists have rows.
	var ref string
	var partyID int64
	require.NoError(t, env.Pool.QueryRow(ctx, `UPDATE complaints SET priority = 'urgent', status = 'triaged'
		WHERE id = (SELECT min(id) FROM complaints WHERE election_id = $1 AND party_id IS NOT NULL) RETURNING reference, party_id`, election).Scan(&ref, &partyID))
	_, err := env.Pool.Exec(ctx, `INSERT INTO alerts (election_id, party_id, channel, window_start, window_end, count_24h, mean_7d, min_count, factor)
		VALUES ($1, $2, 'sms', now() - interval '1 day', now(), 42, 3.5, 10, 3)`, election, partyID)
	require.NoError(t, err)
	// Letters in two states for the election.
	_, err = env.Pool.Exec(ctx, `INSERT INTO letter_templates (name, version, source) VALUES ('dash-test', 1, 'x')`)
	require.NoError(t, err)
	_, err = env.Pool.Exec(ctx, `INSERT INTO letter_batches (election_id, template_id, state) SELECT $1, id, 'released' FROM letter_templates WHERE name = 'dash-test'`, election)
	require.NoError(t, err)
	_, err = env.Pool.Exec(ctx, `INSERT INTO letters (batch_id, election_id, party_id, template_id, reference, party_name, recipient_name, recipient_email,
			subject, body_html, body_text, pdf, sha256, message_id, state)
		SELECT b.id, $1, p.id, b.template_id, 'DASH/' || p.id, p.name, 'R', 'r@example.org', 's', 'h', 't', '\x00', 'x', 'm' || p.id || '@x',
			CASE WHEN p.id % 2 = 0 THEN 'sent' ELSE 'failed' END
		FROM letter_batches b CROSS JOIN parties p WHERE b.election_id = $1`, election)
	require.NoError(t, err)

	var total, sent, failed int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM complaints WHERE election_id = $1`, election).Scan(&total))
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state = 'sent'), count(*) FILTER (WHERE state = 'failed') FROM letters WHERE election_id = $1`, election).Scan(&sent, &failed))
	var topParty string
	var topCount int
	require.NoError(t, env.Pool.QueryRow(ctx, `SELECT p.name, count(*) FROM complaints c JOIN parties p ON p.id = c.party_id
		WHERE c.election_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`, election).Scan(&topParty, &topCount))

	for _, role := range []staff.Role{staff.RoleTriageOfficer, staff.RoleAnalyst} {
		c := env.SignedIn(role)
		res := c.Get("/staff/")
		body := webtest.ReadBody(res)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, body, complaintgen.ElectionName)
		require.Contains(t, body, fmt.Sprintf("<dt>Complaints</dt><dd>%d", total))
		require.Regexp(t, `<tbody><tr><td>0</td><td>0</td><td>0</td><td>0</td><td>`+fmt.Sprint(sent)+`</td><td>`+fmt.Sprint(failed)+`</td><td>0</td><td>0</td><td>`+fmt.Sprint(sent+failed)+`</td>`, body)
		require.Contains(t, body, fmt.Sprintf("<td>%s</td><td>%d</td>", templateEscape(topParty), topCount))
		require.Contains(t, body, "42 Text message complaints")
		// The chart is an accessible image with a table alternative.
		require.Regexp(t, `<svg role="img" aria-labelledby="chart-\d+-title chart-\d+-desc"`, body)
		require.Contains(t, body, "<title id=\"chart-")
		require.Contains(t, body, fmt.Sprintf("%d complaints in all", total))
		require.Contains(t, body, "Show the figures as a table")
		require.NotContains(t, body, "style=", "CSP forbids inline styles")
		// The table's day totals add up to the complaints in the period shown.
		sum := 0
		for _, m := range regexp.MustCompile(`<th scope="row">[^<]+</th>(?:<td>\d+</td>)*<td>(\d+)</td></tr>`).FindAllStringSubmatch(body, -1) {
			var n int
			fmt.Sscan(m[1], &n)
			sum += n
		}
		var inPeriod int
		require.NoError(t, env.Pool.QueryRow(ctx, `SELECT count(*) FROM complaints c JOIN elections e ON e.id = c.election_id WHERE e.id = $1
			AND (c.received_at AT TIME ZONE 'Europe/London')::date BETWEEN e.announced_on AND LEAST(e.polling_day + e.follow_up_days, (now() AT TIME ZONE 'Europe/London')::date)`, election).Scan(&inPeriod))
		require.Equal(t, inPeriod, sum)
		// The urgent queue links to the triage panel for those who may open it.
		if role == staff.RoleTriageOfficer {
			require.Contains(t, body, `<a href="/staff/triage/`+ref+`">`+ref+`</a>`)
		} else {
			require.Contains(t, body, "<td>"+ref+"</td>")
		}
	}

	c := env.SignedIn(staff.RoleAnalyst)
	// Filters: a nation the election does not cover hides it; a bad value is named.
	_, err = env.Pool.Exec(ctx, `UPDATE elections SET nations = '{england}' WHERE id = $1`, election)
	require.NoError(t, err)
	res := c.Get("/staff/?nation=scotland")
	body := webtest.ReadBody(res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, body, `<h2 id="election-`)
	require.Contains(t, body, "There is no active election matching these filters")
	require.NotContains(t, body, ref, "the urgent queue follows the filter")
	res = c.Get(fmt.Sprintf("/staff/?nation=england&election=%d", election))
	require.Contains(t, webtest.ReadBody(res), `<h2 id="election-`)
	res = c.Get("/staff/?nation=atlantis")
	body = webtest.ReadBody(res)
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, body, "Choose a nation from the list")
}

// templateEscape escapes s as html/template does in element text.
func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}
