package reports_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet/spreadsheettest"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/reports"
)

const hyperlink = `=HYPERLINK("http://x","y")`

// atMessage starts with "@", which a spreadsheet may read as a formula.
const atMessage = "@attacker vote for us on Thursday"

type bundle struct {
	ctx      context.Context
	pool     *pgxpool.Pool
	store    *reports.Store
	election int64
	// formula is the reference of the complaint whose message is a formula.
	formula string
	// at is the reference of the complaint whose message starts with "@",
	// as a handle or a formula can in a spreadsheet.
	at string
}

// setup loads the demo registry, generates n complaints and submits one
// whose message is a formula and one whose message starts with "@".
func setup(t *testing.T, n int) *bundle {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	pool := testdb.New(t)
	res := loadDemo(t, ctx, pool, n)
	require.True(t, res.Created)
	var partyID int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM parties ORDER BY id LIMIT 1`).Scan(&partyID))
	formula := fixture.New(t, pool).Complaint(func(s *complaints.Submission) {
		// The sender's key is a UK number in E.164, so it starts with a
		// formula's "+", as every texting sender's does.
		s.PartyID, s.Sender, s.Message, s.Description = &partyID, "07700 900666", hyperlink, "+SUM(1,2)"
		s.Complainant = &complaints.Complainant{Name: "Zebedee Quartermain", Email: "zq@example.org", Phone: "07700 900999", Postcode: "CF10 1EP"}
	})
	// The sender's key no longer keeps a leading "@" (the normaliser drops
	// it), so the "@" the export must neutralise is the message's.
	at := fixture.New(t, pool).Complaint(func(s *complaints.Submission) {
		s.PartyID, s.Message = &partyID, atMessage
	})
	return &bundle{ctx: ctx, pool: pool, store: reports.NewStore(pool), election: res.ElectionID, formula: formula.Reference, at: at.Reference}
}

// reported is the SQL for the channels complaint c reports: its current
// triage result's, or the stated channel while it has none.
const reported = `coalesce((SELECT CASE WHEN cardinality(t.channels) = 0 THEN ARRAY[t.channel] ELSE t.channels END
	FROM triage_results t WHERE t.complaint_id = c.id AND t.is_current), ARRAY[c.channel])`

func sqlCount(t *testing.T, b *bundle, where string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*) FROM complaints c LEFT JOIN parties p ON p.id = c.party_id WHERE `+where, args...).Scan(&n))
	return n
}

// personalData is every complainant name, email and phone in the database.
func personalData(t *testing.T, b *bundle) []string {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `SELECT name, email, phone FROM complainants`)
	require.NoError(t, err)
	var out []string
	for rows.Next() {
		var n, e, p string
		require.NoError(t, rows.Scan(&n, &e, &p))
		out = append(out, n, e, p, strings.ReplaceAll(p, " ", ""))
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, out)
	return out
}

func TestWorkbookMatchesDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t, 800)
	f := reports.Filter{ElectionID: b.election, IncludeText: true}
	var buf bytes.Buffer
	var lastDone, lastTotal int
	require.NoError(t, b.store.Write(b.ctx, f, reports.FormatXLSX, &buf, func(d, tot int) { lastDone, lastTotal = d, tot }))
	total := sqlCount(t, b, `c.election_id = $1`, b.election)
	require.Equal(t, 802, total)
	require.Equal(t, total, lastDone)
	require.Equal(t, total, lastTotal)

	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	defer x.Close()
	require.Equal(t, []string{"Summary", "Daily", "Parties", "Provisions", "Clusters", "Referrals", "Complaints"}, x.GetSheetList())

	// Summary headline counts.
	summary := sheetMap(t, x, "Summary")
	require.Equal(t, strconv.Itoa(total), summary["Complaints"])
	for _, ch := range vocab.ChannelCodes() {
		require.Equal(t, strconv.Itoa(sqlCount(t, b, `c.election_id = $1 AND $2 = ANY(`+reported+`)`, b.election, ch)), summary["Channel: "+vocab.ChannelLabel(ch)], ch)
	}
	for _, p := range vocab.PriorityCodes() {
		require.Equal(t, strconv.Itoa(sqlCount(t, b, `c.election_id = $1 AND c.priority = $2`, b.election, p)), summary["Priority: "+vocab.PriorityLabel(p)], p)
	}
	require.Equal(t, strconv.Itoa(sqlCount(t, b, `c.election_id = $1 AND c.priority IS NULL`, b.election)), summary["Not yet triaged"])

	// Daily: each day × channel equals SQL (a complaint counted once per
	// channel it reports), each day's total counts each complaint once,
	// and the dates are real dates.
	daily, err := x.GetRows("Daily", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	sum := 0
	for _, r := range daily[1:] {
		if len(r) == 0 {
			continue
		}
		if len(r) < len(vocab.Channels)+2 {
			require.Equal(t, reports.ChannelCountNote, r[0], "the note under the table")
			continue
		}
		serial, err := strconv.ParseFloat(r[0], 64)
		require.NoError(t, err, "date cells hold serial numbers")
		day := time.Unix(int64((serial-25569)*86400), 0).UTC().Format("2006-01-02")
		for j, ch := range vocab.ChannelCodes() {
			got, _ := strconv.Atoi(r[j+1])
			want := sqlCount(t, b, `c.election_id = $1 AND $2 = ANY(`+reported+`) AND (c.received_at AT TIME ZONE 'Europe/London')::date = $3::date`, b.election, ch, day)
			require.Equal(t, want, got, "%s %s", day, ch)
		}
		got, _ := strconv.Atoi(r[len(r)-1])
		sum += got
	}
	require.Equal(t, total, sum)

	// Parties: each party's total equals SQL.
	parties, err := x.GetRows("Parties")
	require.NoError(t, err)
	require.Greater(t, len(parties), 5)
	for _, r := range parties[1:] {
		if len(r) < 2 {
			continue // the note under the table
		}
		want := 0
		if r[0] == reports.NoParty {
			want = sqlCount(t, b, `c.election_id = $1 AND c.party_id IS NULL`, b.election)
		} else {
			want = sqlCount(t, b, `c.election_id = $1 AND p.name = $2`, b.election, r[0])
		}
		total := len(vocab.Channels) + 1
		require.Equal(t, strconv.Itoa(want), r[total], r[0])
		if r[0] == reports.NoParty {
			continue
		}
		// The workbook and the party's follow-up report agree: the same
		// figures, from the same query.
		var id int64
		require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT id FROM parties WHERE name = $1`, r[0]).Scan(&id))
		rep, err := b.store.PartyReport(b.ctx, b.election, id)
		require.NoError(t, err)
		f := rep.Figures
		require.Equal(t, []string{strconv.Itoa(f.Complaints), strconv.Itoa(f.OutOfScope), strconv.Itoa(f.Reported), strconv.Itoa(f.Repeats), strconv.Itoa(f.Untriaged)},
			r[total:total+5], r[0])
		recountReport(t, b, rep)
	}

	// Provisions: each code's total equals SQL over the current triage results.
	provs, err := x.GetRows("Provisions")
	require.NoError(t, err)
	require.Greater(t, len(provs), 3, "demo complaints are triaged by the engine")
	for _, r := range provs[1:] {
		require.Contains(t, []string{reports.ProvisionKinds["provision"], reports.ProvisionKinds["guidance"]}, r[0], "the kind in words")
		require.Equal(t, reports.CodeTitle(r[1]), r[2], "%s says what it covers", r[1])
		require.NotEmpty(t, r[2], r[1])
		var want int
		require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT count(*) FROM complaints c JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
			WHERE c.election_id = $1 AND $2 = ANY(CASE WHEN $3 = 'Provision' THEN t.provisions ELSE t.guidance END)`, b.election, r[1], r[0]).Scan(&want))
		require.Equal(t, strconv.Itoa(want), r[3], "%s %s", r[0], r[1])
	}

	// Complaints: one row per complaint, the formula as text.
	rows, err := x.GetRows("Complaints")
	require.NoError(t, err)
	require.Len(t, rows, total+1)
	require.Equal(t, reports.ComplaintHeader(true), rows[0])
	found, foundAt := false, false
	col := columnIndex(rows[0])
	for i, r := range rows[1:] {
		// Coded values are in words, the words the CSV's label columns use.
		codeOf(t, r[col["Channel"]], vocab.ChannelLabels(vocab.English))
		codeOf(t, r[col["Channels reported"]], vocab.ChannelLabels(vocab.English))
		codeOf(t, r[col["Priority"]], vocab.PriorityLabels(vocab.English))
		codeOf(t, r[col["Status"]], labelsOf(vocab.StatusCodes(), reports.StatusLabel))
		codeOf(t, r[col["Outcome"]], labelsOf(vocab.OutcomeCodes(), reports.OutcomeLabel))
		if r[0] == b.at {
			foundAt = true
			require.Equal(t, atMessage, r[13], "no apostrophe shows")
			continue
		}
		if r[0] != b.formula {
			continue
		}
		found = true
		require.Equal(t, "+447700900666", r[5], "a phone number shows as sent")
		require.True(t, strings.HasPrefix(r[13], hyperlink), r[13])
		cell, _ := excelize.CoordinatesToCellName(14, i+2)
		formula, err := x.GetCellFormula("Complaints", cell)
		require.NoError(t, err)
		require.Empty(t, formula)
	}
	require.True(t, found)
	require.True(t, foundAt)
	// Every text a spreadsheet could take for a formula is a string with
	// the quote-prefix style, as openpyxl or Excel reads the file.
	require.GreaterOrEqual(t, spreadsheettest.RequireQuotedFormulaText(t, spreadsheettest.Cells(t, buf.Bytes())), 4,
		"the planted formula, sum and @ message and the sender's number")

	// The package as a whole: charts, frozen panes, autofilters, and no
	// complainant personal data in any part.
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	var charts int
	var everything strings.Builder
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
		rc, err := zf.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		everything.Write(data)
		if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
			require.Contains(t, string(data), `state="frozen"`, zf.Name)
			if zf.Name != "xl/worksheets/sheet1.xml" {
				require.Contains(t, string(data), `<autoFilter`, zf.Name)
			}
		}
	}
	require.Equal(t, 2, charts)
	requireNoPersonalData(t, b, everything.String())
}

func requireNoPersonalData(t *testing.T, b *bundle, text string) {
	t.Helper()
	for _, pd := range personalData(t, b) {
		if i := strings.Index(text, pd); i >= 0 {
			require.Failf(t, "complainant data found", "complainant data %q found: …%s…", pd, text[max(i-80, 0):min(i+80, len(text))])
		}
	}
}

func sheetMap(t *testing.T, x *excelize.File, sheet string) map[string]string {
	rows, err := x.GetRows(sheet)
	require.NoError(t, err)
	m := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			m[r[0]] = r[1]
		}
	}
	return m
}

func TestWorkbookFilteredByPartyAndChannel(t *testing.T) {
	t.Parallel()
	b := setup(t, 400)
	var partyID int64
	require.NoError(t, b.pool.QueryRow(b.ctx, `SELECT party_id FROM complaints WHERE party_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&partyID))
	from, to := time.Now().AddDate(0, 0, -60), time.Now()
	f := reports.Filter{From: day(from), To: day(to), PartyIDs: []int64{partyID}, Channels: []string{"sms", "email"}}
	var buf bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, f, reports.FormatXLSX, &buf, nil))
	x, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	want := sqlCount(t, b, `c.party_id = $1 AND `+reported+` && ARRAY['sms', 'email'] AND c.received_at >= $2 AND c.received_at < $3`,
		partyID, day(from), day(to).AddDate(0, 0, 1))
	require.Positive(t, want)
	require.Equal(t, strconv.Itoa(want), sheetMap(t, x, "Summary")["Complaints"])
	rows, err := x.GetRows("Complaints")
	require.NoError(t, err)
	require.Len(t, rows, want+1)
	require.Len(t, rows[0], 13, "no free-text column unless asked for")
}

func day(t time.Time) time.Time {
	l := t.In(vocab.London)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, vocab.London)
}

func TestCSVExport(t *testing.T) {
	t.Parallel()
	b := setup(t, 300)
	var buf bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, reports.Filter{ElectionID: b.election, IncludeText: true}, reports.FormatCSV, &buf, nil))
	body := strings.TrimPrefix(buf.String(), "\ufeff")
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, sqlCount(t, b, `c.election_id = $1`, b.election)+1)
	found, foundAt := false, false
	text := columnIndex(recs[0])["Message and account (redacted)"]
	for _, r := range recs[1:] {
		for _, c := range r {
			require.False(t, len(c) > 0 && strings.ContainsRune("=+-@\t\r", rune(c[0])), "unneutralised field %q", c)
		}
		if r[0] == b.formula {
			found = true
			require.True(t, strings.HasPrefix(r[text], "'"+hyperlink), r[text])
			require.Contains(t, r, "'+447700900666", "CSV keeps the apostrophe")
		}
		if r[0] == b.at {
			foundAt = true
			require.Equal(t, "'"+atMessage, r[text])
		}
	}
	require.True(t, found)
	require.True(t, foundAt)
	requireNoPersonalData(t, b, body)
}

func TestFilterValidate(t *testing.T) {
	t.Parallel()
	d := time.Date(2024, 7, 4, 0, 0, 0, 0, vocab.London)
	for _, tc := range []struct {
		name string
		f    reports.Filter
		ok   bool
	}{
		{"election", reports.Filter{ElectionID: 1}, true},
		{"range", reports.Filter{From: d, To: d}, true},
		{"nothing", reports.Filter{}, false},
		{"half a range", reports.Filter{From: d}, false},
		{"both", reports.Filter{ElectionID: 1, From: d, To: d}, false},
		{"backwards", reports.Filter{From: d, To: d.AddDate(0, 0, -1)}, false},
		{"bad channel", reports.Filter{ElectionID: 1, Channels: []string{"pigeon"}}, false},
	} {
		err := tc.f.Validate()
		require.Equal(t, tc.ok, err == nil, "%s: %v", tc.name, err)
	}
}

// columnIndex maps each header name to its column.
func columnIndex(header []string) map[string]int {
	m := make(map[string]int, len(header))
	for i, h := range header {
		m[h] = i
	}
	return m
}

// codeOf is the code whose label is label, failing when label is not one
// of labels' (a code slipping through, say). Labels joined by "; " give
// their codes joined by ";"; an empty label is an empty code.
func codeOf(t *testing.T, label string, labels map[string]string) string {
	t.Helper()
	if label == "" {
		return ""
	}
	var codes []string
	for _, l := range strings.Split(label, "; ") {
		code := ""
		for c, cl := range labels {
			if cl == l {
				code = c
			}
		}
		require.NotEmpty(t, code, "%q is not a label", l)
		codes = append(codes, code)
	}
	return strings.Join(codes, ";")
}

func labelsOf(codes []string, label func(string) string) map[string]string {
	m := map[string]string{}
	for _, c := range codes {
		m[c] = label(c)
	}
	return m
}
