package audits_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/outputtest"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// outputsEnv is a database with the letter templates seeded and the
// audit programme's service on it.
type outputsEnv struct {
	ctx     context.Context
	pool    *pgxpool.Pool
	f       *fixture.Factory
	letters *outreach.Service
	svc     *audits.Service
}

func newOutputsEnv(t *testing.T) *outputsEnv {
	t.Helper()
	pool := testdb.New(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	client := fixture.InsertOnlyJobs(t, pool)
	letters, err := outreach.NewService(pool, outreach.Settings{}, nil, client)
	require.NoError(t, err)
	_, err = letters.Seed(ctx)
	require.NoError(t, err)
	return &outputsEnv{ctx: ctx, pool: pool, f: fixture.New(t, pool), letters: letters,
		svc: audits.NewService(pool, client, letters, audits.Settings{})}
}

// programme stores a programme with a published summary and a key finding
// in two areas, straight in the tables: these tests are about what the
// outputs make of the data, whoever entered it.
func (e *outputsEnv) programme(t *testing.T) int64 {
	t.Helper()
	var id int64
	require.NoError(t, e.pool.QueryRow(e.ctx, `INSERT INTO audit_programmes (name, name_cy, summary_title, summary_title_cy, summary_url, published_on, description)
		VALUES ('Party audits 2019', 'Archwiliadau pleidiau 2019', 'Audits of political parties: summary', 'Archwiliadau o bleidiau: crynodeb',
		'https://regulator.example.org/audits-2019', '2020-11-11', 'Seven parties audited after assessment notices.') RETURNING id`).Scan(&id))
	_, err := e.pool.Exec(e.ctx, `INSERT INTO audit_programme_findings (programme_id, area, finding, finding_cy) VALUES
		($1, 'privacy_information', 'Privacy notices were long and vague.', 'Roedd hysbysiadau preifatrwydd yn hir ac yn amwys.'),
		($1, 'accountability', 'Policies existed on paper only.', 'Roedd polisïau ar bapur yn unig.')`, id)
	require.NoError(t, err)
	return id
}

// auditOf stores a reviewed audit of party with one recommendation per
// priority in priorities (codes), numbered from 1, cycling through the
// areas and statuses; welsh gives each its Welsh finding and action.
func (e *outputsEnv) auditOf(t *testing.T, programmeID, partyID int64, priorities []string, welsh bool) int64 {
	t.Helper()
	var id int64
	require.NoError(t, e.pool.QueryRow(e.ctx, `INSERT INTO audits (programme_id, party_id, audit_type, notice_on, fieldwork_from, fieldwork_to, report_on,
		follow_up_on, scope, auditors, assurance, state, conclusion, good_practice)
		VALUES ($1, $2, 'compulsory', '2019-02-01', '2019-03-04', '2019-03-08', '2019-06-01', '2021-03-01',
		'{fairness_transparency,analytics_profiling}', '{A. Auditor,B. Reviewer}', 'limited', 'follow_up', 'meaningful_progress',
		'Staff knew whom to ask about data protection.') RETURNING id`, programmeID, partyID).Scan(&id))
	areas := audits.Areas.Codes()
	statuses := append(audits.Statuses.Codes(), "")
	for i, pr := range priorities {
		cy := ""
		if welsh {
			cy = "cy"
		}
		var status any = statuses[i%len(statuses)]
		if status == "" {
			status = nil
		}
		_, err := e.pool.Exec(e.ctx, `INSERT INTO audit_recommendations (audit_id, number, area, finding, finding_cy, action, action_cy, priority,
			target_on, provisions, guidance, response, response_action, response_owner, status, status_note)
			VALUES ($1, $2::int, $3, $4, CASE WHEN $5 = 'cy' THEN 'Canfyddiad ' || $2::int ELSE '' END, $6, CASE WHEN $5 = 'cy' THEN 'Cam ' || $2::int ELSE '' END, $7,
			'2019-09-01', '{UKGDPR-13,PECR-22}', '{G3}', 'agreed', 'We will rewrite the notice.', 'Head of data', $8, 'Checked the new notice.')`,
			id, i+1, areas[i%len(areas)], fmt.Sprintf("Finding %d", i+1), cy, fmt.Sprintf("Action %d", i+1), pr, status)
		require.NoError(t, err)
	}
	return id
}

// priorities returns n urgent, h high, m medium and l low codes.
func priorities(n, h, m, l int) []string {
	var out []string
	for _, x := range []struct {
		code string
		n    int
	}{{"urgent", n}, {"high", h}, {"medium", m}, {"low", l}} {
		for range x.n {
			out = append(out, x.code)
		}
	}
	return out
}

func TestSummaryPercentagesEqualSQLCounts(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	e.auditOf(t, prog, e.f.Party().ID, priorities(5, 6, 4, 1), false)
	e.auditOf(t, prog, e.f.Party().ID, priorities(4, 5, 4, 0), false)
	e.auditOf(t, prog, e.f.Party().ID, priorities(3, 5, 3, 1), false)
	// Another programme's recommendations are not counted.
	e.auditOf(t, e.programmeNamed(t, "Other"), e.f.Party().ID, priorities(9, 0, 0, 0), false)

	sum, err := e.svc.Summary(e.ctx, prog)
	require.NoError(t, err)
	var total int
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id WHERE a.programme_id = $1`, prog).Scan(&total))
	require.Equal(t, total, sum.Total())
	shares := sum.PriorityShares("en")
	require.Len(t, shares, 4)
	for i, code := range audits.Priorities.Codes() {
		var n, pct int
		require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*), round(100.0 * count(*) / $2)::int FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id
			WHERE a.programme_id = $1 AND r.priority = $3`, prog, total, code).Scan(&n, &pct))
		require.Equal(t, audits.Priorities.Label(code, "en"), shares[i].Label)
		require.Equal(t, n, shares[i].Count, code)
		require.Equal(t, pct, shares[i].Percent, code)
	}
	var pct int
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT round(100.0 * count(*) FILTER (WHERE r.priority IN ('urgent', 'high')) / count(*))::int
		FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id WHERE a.programme_id = $1`, prog).Scan(&pct))
	require.Equal(t, pct, sum.UrgentOrHigh().Percent)
	require.Equal(t, fmt.Sprintf("%d%% of the %d recommendations were urgent or high priority.", pct, total), sum.Headline("en"))

	// Progress by party and by priority add up to the same counts.
	rows, err := e.pool.Query(e.ctx, `SELECT p.name, count(*) FILTER (WHERE r.status = 'completed'), count(*) FILTER (WHERE r.status IS NULL), count(*)
		FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id JOIN parties p ON p.id = a.party_id WHERE a.programme_id = $1 GROUP BY p.name ORDER BY p.name`, prog)
	require.NoError(t, err)
	byParty := sum.ProgressByParty("en")
	i := 0
	for rows.Next() {
		var name string
		var done, notReviewed, n int
		require.NoError(t, rows.Scan(&name, &done, &notReviewed, &n))
		require.Equal(t, name, byParty[i].Party)
		require.Equal(t, done, byParty[i].Counts[0])
		require.Equal(t, notReviewed, byParty[i].Counts[len(byParty[i].Counts)-1])
		require.Equal(t, n, byParty[i].Total)
		i++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, len(byParty), i)
	require.Equal(t, total, sum.ProgressByPriority("en").Total)

	// Key findings: the programme's finding and the count in its area.
	var privacy int
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id
		WHERE a.programme_id = $1 AND r.area = 'privacy_information'`, prog).Scan(&privacy))
	kf := sum.KeyFindings("en")
	require.Equal(t, "Privacy information", kf[0].Area)
	require.Equal(t, "Privacy notices were long and vague.", kf[0].Finding)
	require.Equal(t, privacy, kf[0].Count)
	require.Len(t, sum.GoodPractices("en"), 3)
	require.Contains(t, sum.LawSentence("en"), "the UK General Data Protection Regulation (UK GDPR)")
	require.Contains(t, sum.LawSentence("en"), "the Data Protection Act 2018")

	pdf, err := sum.PDF("en")
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
}

func (e *outputsEnv) programmeNamed(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, e.pool.QueryRow(e.ctx, `INSERT INTO audit_programmes (name) VALUES ($1) RETURNING id`, name).Scan(&id))
	return id
}

// code matches a vocabulary code where a label belongs.
var code = regexp.MustCompile(`^(urgent|high|medium|low|privacy_information|lawful_basis|social_media_targeting|compulsory|consensual|limited|completed|meaningful_progress|some_progress|not_started|no_longer_applicable|agreed|partly_agreed|follow_up)$`)

func TestWorkbookHasLabelledSheetsAndChart(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	p1 := e.f.Party(fixture.PartyName("=HYPERLINK(\"http://x\")"))
	a1 := e.auditOf(t, prog, p1.ID, priorities(2, 3, 1, 1), false)
	e.auditOf(t, prog, e.f.Party().ID, priorities(1, 1, 1, 0), false)
	_, err := e.pool.Exec(e.ctx, `INSERT INTO audit_progress (recommendation_id, noted_on, note) SELECT id, '2020-01-10', 'Notice rewritten.' FROM audit_recommendations WHERE audit_id = $1`, a1)
	require.NoError(t, err)

	b, err := e.svc.Workbook(e.ctx, prog)
	require.NoError(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(b))
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{audits.SheetAudits, audits.SheetRecommendations, audits.SheetProgress, audits.SheetChart}, f.GetSheetList())

	rows, err := f.GetRows(audits.SheetAudits)
	require.NoError(t, err)
	require.Equal(t, audits.AuditsHeader, rows[0])
	require.Len(t, rows, 3)
	recs, err := f.GetRows(audits.SheetRecommendations)
	require.NoError(t, err)
	require.Equal(t, audits.RecommendationsHeader, recs[0])
	require.Len(t, recs, 1+7+3)
	for _, r := range recs[1:] {
		for _, c := range r {
			require.False(t, code.MatchString(c), "a code in a cell: %q", c)
		}
		require.Contains(t, r[7], "Article 13 of the UK GDPR")
	}
	// The party's name that looks like a formula stays text.
	names := map[string]bool{}
	for _, r := range recs[1:] {
		names[r[0]] = true
	}
	require.True(t, names["=HYPERLINK(\"http://x\")"], "%v", names)
	formula, err := f.GetCellFormula(audits.SheetRecommendations, "A2")
	require.NoError(t, err)
	require.Empty(t, formula)
	// Dates are dates: a number with a date format.
	typ, err := f.GetCellType(audits.SheetRecommendations, "G2")
	require.NoError(t, err)
	require.NotEqual(t, excelize.CellTypeSharedString, typ)
	require.Equal(t, "2019-09-01", recs[1][6])
	panes, err := f.GetPanes(audits.SheetRecommendations)
	require.NoError(t, err)
	require.True(t, panes.Freeze)
	require.Equal(t, 1, panes.YSplit)

	prog2, err := f.GetRows(audits.SheetProgress)
	require.NoError(t, err)
	require.Len(t, prog2, 1+7)
	require.Equal(t, "2020-01-10", prog2[1][2])

	chart, err := f.GetRows(audits.SheetChart)
	require.NoError(t, err)
	require.Equal(t, "Priority", chart[0][0])
	require.Equal(t, []string{"Urgent", "High", "Medium", "Low"}, []string{chart[1][0], chart[2][0], chart[3][0], chart[4][0]})
	require.Equal(t, "3", chart[1][len(chart[1])-1])
	require.True(t, bytes.Contains(b, []byte("xl/charts/chart1.xml")), "the workbook has a chart")
}

func TestFollowUpReportInWelshNeedsWelshRecommendations(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	welsh := e.f.Party(fixture.PartyContacts(parties.Contact{Name: "Ceri Jones", Position: "Swyddog", Email: "ceri@plaid.example.org",
		Role: parties.DefaultRole, Active: true, Language: strPtr("cy")}))
	id := e.auditOf(t, prog, welsh.ID, priorities(1, 1, 1, 0), false)
	_, err := e.svc.FollowUpReport(e.ctx, id)
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "%v", err)
	require.Contains(t, apperr.MessageOf(err), "R1, R2 and R3 have no Welsh finding or action")

	_, err = e.pool.Exec(e.ctx, `UPDATE audit_recommendations SET finding_cy = 'Canfyddiad', action_cy = 'Cam' WHERE audit_id = $1`, id)
	require.NoError(t, err)
	rep, err := e.svc.FollowUpReport(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, []string{"cy", "en"}, rep.Languages)
	groups := rep.Groups("cy")
	require.NotEmpty(t, groups)
	for _, g := range groups {
		for _, pg := range g.Priorities {
			for _, l := range pg.Recs {
				require.Equal(t, "Canfyddiad", l.Finding)
				require.Empty(t, l.Note, "English notes stay out of the Welsh version")
				require.Contains(t, l.Law, "Erthygl 13 o GDPR y DU")
			}
		}
	}
	pdf, err := rep.PDF()
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
}

func strPtr(s string) *string { return &s }

func TestFollowUpReportContent(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	p := e.f.Party()
	id := e.auditOf(t, prog, p.ID, priorities(2, 2, 2, 1), false)
	rep, err := e.svc.FollowUpReport(e.ctx, id)
	require.NoError(t, err)
	require.Equal(t, []string{"en"}, rep.Languages)
	fields := map[string]string{}
	for _, f := range rep.Particulars("en") {
		fields[f.Label] = f.Value
	}
	require.Equal(t, p.Name, fields["Party"])
	require.Equal(t, "Compulsory audit (assessment notice)", fields["Type of audit"])
	require.Equal(t, "Limited", fields["Assurance at the audit"])
	require.Equal(t, "Fairness and transparency; Data analytics and profiling", fields["Scope"])
	require.Equal(t, "4 March 2019 to 8 March 2019", fields["Fieldwork"])

	// Status by priority counts every recommendation once.
	st := rep.StatusByPriority("en")
	require.Equal(t, 7, st.Total)
	require.Equal(t, "Urgent", st.Rows[0].Priority)
	require.Equal(t, 2, st.Rows[0].Total)

	// What remains open: not completed nor no longer applicable, urgent
	// first.
	var open int
	require.NoError(t, e.pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1
		AND (status IS NULL OR status NOT IN ('completed', 'no_longer_applicable'))`, id).Scan(&open))
	rem := rep.Remaining("en")
	require.Len(t, rem, open)
	for i := 1; i < len(rem); i++ {
		require.LessOrEqual(t, audits.Priorities.Rank(rem[i-1].PriorityCode), audits.Priorities.Rank(rem[i].PriorityCode))
	}
	provs := rep.Provisions("en")
	require.Equal(t, "regulation 22 of the Privacy and Electronic Communications Regulations 2003", provs[0].Citation)
	require.Equal(t, "Article 13 of the UK GDPR", provs[1].Citation)
	for _, g := range rep.Groups("en") {
		for _, pg := range g.Priorities {
			for _, l := range pg.Recs {
				require.NotEmpty(t, l.Guidance, "G3 is named as its guidance document")
				require.NotContains(t, strings.Join(l.Guidance, " "), "G3")
			}
		}
	}
	pdf, err := rep.PDF()
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))

	_, err = e.svc.FollowUpReport(e.ctx, 999999)
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))
}

// TestWorkbookOpensInLibreOffice has LibreOffice load the workbook and
// write every sheet back out as CSV: a file it had to repair, or could
// not read, fails the conversion or loses rows.
func TestWorkbookOpensInLibreOffice(t *testing.T) {
	t.Parallel()
	e := newOutputsEnv(t)
	prog := e.programme(t)
	e.auditOf(t, prog, e.f.Party().ID, priorities(3, 2, 2, 1), false)
	e.auditOf(t, prog, e.f.Party().ID, priorities(1, 1, 0, 1), false)
	b, err := e.svc.Workbook(e.ctx, prog)
	require.NoError(t, err)
	wb := outputtest.OpenInLibreOffice(t, e.ctx, "programme", b)
	read := func(sheet string) [][]string { return wb.Sheet(t, sheet) }
	require.Len(t, read(audits.SheetAudits), 3)
	recs := read(audits.SheetRecommendations)
	require.Len(t, recs, 1+11)
	require.Equal(t, "Target date", recs[0][6])
	require.Equal(t, "2019-09-01", recs[1][6], "a date LibreOffice reads as a date")
	chart := read(audits.SheetChart)
	require.Equal(t, "Urgent", chart[1][0])
	require.Equal(t, "4", chart[1][len(chart[1])-1])
}
