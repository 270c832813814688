package audits_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
)

func csvOf(rows ...[]string) []byte {
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(c, ",\"\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

func TestImportFortyRecommendations(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.f.Audit() // report 150 days ago
	e.f.Recommendation(a.ID)

	rows := [][]string{{"Number", "AREA", "Priority", "Finding", "Action", "Target Date", "Provisions", "guidance", "Finding_CY"}}
	areas := audits.Areas.Codes()
	prios := []string{"urgent", "High", "medium", "Low"}
	target := vocab.Today().AddDate(0, 2, 0)
	for i := range 40 {
		num := ""
		if i%2 == 0 {
			num = fmt.Sprint(10 + i)
		}
		area := areas[i%len(areas)]
		if i%3 == 0 {
			area = audits.Areas.Label(area, "en") // a label reads as its code
		}
		date := target.Format(time.DateOnly)
		if i%4 == 1 {
			date = target.Format("02/01/2006")
		}
		rows = append(rows, []string{num, area, prios[i%4], fmt.Sprintf("Finding %d, with a comma", i), fmt.Sprintf("'=Action %d", i), date,
			"UKGDPR-13; pecr-22", "", ""})
	}
	data := csvOf(rows...)

	res, err := e.svc.ImportRecommendations(e.ctx, a.ID, data, true)
	require.NoError(t, err)
	require.Empty(t, res.Problems)
	require.Equal(t, audits.ImportResult{Rows: 40, Added: 40, DryRun: true, Problems: []audits.ImportProblem{}}, *res)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1`, a.ID), "a dry run stores nothing")

	res, err = e.svc.ImportRecommendations(e.ctx, a.ID, data, false)
	require.NoError(t, err)
	require.Empty(t, res.Problems)
	require.Equal(t, 40, res.Added)
	recs, err := e.svc.Recommendations(e.ctx, a.ID)
	require.NoError(t, err)
	require.Len(t, recs, 41)
	byNumber := map[int]audits.Recommendation{}
	for _, r := range recs {
		byNumber[r.Number] = r
	}
	require.Len(t, byNumber, 41)
	r10 := byNumber[10]
	require.Equal(t, "Finding 0, with a comma", r10.Finding)
	require.Equal(t, "=Action 0", r10.Action, "a neutralised formula reads as its text")
	require.Equal(t, "urgent", r10.Priority)
	require.Equal(t, "privacy_information", r10.Area)
	require.Equal(t, []string{"UKGDPR-13", "PECR-22"}, r10.Provisions)
	require.Equal(t, target, r10.TargetOn)
	require.Equal(t, "high", byNumber[49].Priority, "rows without a number follow the highest number")
	require.Equal(t, 40, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit_recommendation.import'`))

	// The same rows in a workbook, with real date cells.
	x := excelize.NewFile()
	for i, row := range rows {
		for j, c := range row {
			cellName, err := excelize.CoordinatesToCellName(j+1, i+1)
			require.NoError(t, err)
			if j == 0 && i > 0 {
				c = "" // numbered in turn
			}
			if j == 5 && i > 0 {
				require.NoError(t, x.SetCellValue("Sheet1", cellName, target))
				continue
			}
			require.NoError(t, x.SetCellStr("Sheet1", cellName, c))
		}
	}
	var buf bytes.Buffer
	require.NoError(t, x.Write(&buf))
	b := e.f.Audit()
	res, err = e.svc.ImportRecommendations(e.ctx, b.ID, buf.Bytes(), false)
	require.NoError(t, err)
	require.Empty(t, res.Problems)
	require.Equal(t, 40, res.Added)
	recs, err = e.svc.Recommendations(e.ctx, b.ID)
	require.NoError(t, err)
	require.Len(t, recs, 40)
	require.Equal(t, target, recs[39].TargetOn)
	require.Equal(t, 40, recs[39].Number)
}

func TestImportInvalidListsEveryRowAndStoresNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.f.Audit() // report 150 days ago
	e.f.Recommendation(a.ID)
	known := fixture.AuditKnown(t)
	ok := vocab.Today().AddDate(0, 1, 0).Format(time.DateOnly)
	early := vocab.Today().AddDate(0, 0, -160).Format(time.DateOnly)
	data := csvOf(
		[]string{"number", "area", "priority", "finding", "action", "target_date", "provisions"},
		[]string{"", "lawful_basis", "high", "Fine row.", "Fix it.", ok, "UKGDPR-6"},
		[]string{"", "lawful_basis", "critical", "Bad priority.", "Fix it.", ok, ""},
		[]string{"", "weather", "low", "Bad area.", "Fix it.", ok, ""},
		[]string{"", "profiling", "medium", "Bad provision.", "Fix it.", ok, "UKGDPR-22;GDPR-99"},
		[]string{"", "profiling", "medium", "Too early.", "Fix it.", early, ""},
		[]string{"", "profiling", "medium", "Not a date.", "Fix it.", "next spring", ""},
		[]string{"7", "accountability", "urgent", "", "", ok, ""},
		[]string{"7", "accountability", "urgent", "Twice.", "Fix it.", ok, ""},
		[]string{"1", "accountability", "urgent", "Taken.", "Fix it.", ok, ""},
	)
	for _, dry := range []bool{true, false} {
		res, err := e.svc.ImportRecommendations(e.ctx, a.ID, data, dry)
		require.NoError(t, err)
		require.Zero(t, res.Added)
		require.Equal(t, 9, res.Rows)
		require.Equal(t, []audits.ImportProblem{
			{Row: 3, Column: "priority", Message: `"critical" is not a priority; use one of: Urgent, High, Medium, Low`},
			{Row: 4, Column: "area", Message: `"weather" is not an area; use one of: Privacy information, Lawful basis, Profiling, Social media targeting, Accountability, Other`},
			{Row: 5, Column: "provisions", Message: "GDPR-99 is not a provision we know; use ids from this list: " + strings.Join(known.ProvisionIDs, ", ")},
			{Row: 6, Column: "target_date", Message: "The target date must be the same as or after the date of the report, " + vocab.FormatDate(*a.ReportOn, "en")},
			{Row: 7, Column: "target_date", Message: `"next spring" is not a date; enter the target date like 2025-03-31 or 31/03/2025`},
			{Row: 8, Column: "finding", Message: "Enter the finding"},
			{Row: 8, Column: "action", Message: "Enter the recommended action"},
			{Row: 9, Column: "number", Message: "R7 is also on row 8; give each recommendation its own number"},
			{Row: 10, Column: "number", Message: "R1 already exists in this audit; choose another number or leave it empty"},
		}, res.Problems)
	}
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1`, a.ID), "nothing stored")
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit_recommendation.import'`))

	// The header: unknown and missing columns.
	res, err := e.svc.ImportRecommendations(e.ctx, a.ID, csvOf([]string{"Area", "Priority", "Colour"}, []string{"other", "low", "red"}), false)
	require.NoError(t, err)
	require.Equal(t, []audits.ImportProblem{
		{Row: 1, Column: "Colour", Message: `Unknown column "Colour": the columns are ` + strings.Join(audits.ImportColumns, ", ")},
		{Row: 1, Column: "finding", Message: "The file has no finding column"},
		{Row: 1, Column: "action", Message: "The file has no action column"},
		{Row: 1, Column: "target_date", Message: "The file has no target_date column"},
	}, res.Problems)

	// Too many rows.
	many := [][]string{{"area", "priority", "finding", "action", "target_date"}}
	for range audits.MaxImportRows + 1 {
		many = append(many, []string{"other", "low", "F", "A", ok})
	}
	res, err = e.svc.ImportRecommendations(e.ctx, a.ID, csvOf(many...), false)
	require.NoError(t, err)
	require.Equal(t, []audits.ImportProblem{{Row: 0, Message: fmt.Sprintf("The file has more than %d rows; split it into smaller files", audits.MaxImportRows)}}, res.Problems)
	res, err = e.svc.ImportRecommendations(e.ctx, a.ID, make([]byte, audits.MaxImportBytes+1), false)
	require.NoError(t, err)
	require.Equal(t, []audits.ImportProblem{{Row: 0, Message: "The file is larger than the 5 MB allowed"}}, res.Problems)
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1`, a.ID))
}
