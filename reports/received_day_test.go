package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/reports"
)

// A complaint whose complainant gave only the day of the incident is
// exported as that day, not as a midnight nobody reported: in the workbook
// a date in the date style, in the CSV YYYY-MM-DD. A complaint with a time
// keeps its time in both.
func TestExportShowsADayWithoutATimeAsADate(t *testing.T) {
	t.Parallel()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	pool := testdb.New(t)
	fx := fixture.New(t, pool)
	now := time.Now().In(vocab.London)
	y, m, d := now.AddDate(0, 0, -3).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, vocab.London)
	dayOnly := fx.Complaint(func(s *complaints.Submission) { s.ReceivedAt, s.ReceivedAtHasTime = day, false })
	at := time.Date(y, m, d, 14, 35, 0, 0, vocab.London)
	timed := fx.Complaint(func(s *complaints.Submission) { s.ReceivedAt, s.ReceivedAtHasTime = at, true })

	store := reports.NewStore(pool)
	f := reports.Filter{From: day.AddDate(0, 0, -1), To: now}
	var xb, cb bytes.Buffer
	require.NoError(t, store.Write(ctx, f, reports.FormatXLSX, &xb, nil))
	require.NoError(t, store.Write(ctx, f, reports.FormatCSV, &cb, nil))

	// The CSV: the bare date, or the full time with its offset.
	crows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(cb.String(), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	ccol := columnIndex(crows[0])
	received := map[string]string{}
	for _, r := range crows[1:] {
		received[strings.TrimPrefix(r[0], "'")] = r[ccol["Received"]]
	}
	require.Equal(t, day.Format(time.DateOnly), received[dayOnly.Reference])
	require.Equal(t, at.Format("2006-01-02T15:04:05-07:00"), received[timed.Reference])

	// The workbook: the day's serial number in the date style, or the
	// time's in the date-time style.
	x, err := excelize.OpenReader(bytes.NewReader(xb.Bytes()))
	require.NoError(t, err)
	defer x.Close()
	xrows, err := x.GetRows(reports.SheetComplaints, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	xcol := columnIndex(xrows[0])
	// Every Daily row's date cell has the date style, and every Submitted
	// cell the date-time style.
	dateStyle, err := x.GetCellStyle(reports.SheetDaily, "A2")
	require.NoError(t, err)
	found := 0
	for i, r := range xrows[1:] {
		style := func(col string) int {
			cell, err := excelize.CoordinatesToCellName(xcol[col]+1, i+2)
			require.NoError(t, err)
			s, err := x.GetCellStyle(reports.SheetComplaints, cell)
			require.NoError(t, err)
			return s
		}
		cell, err := excelize.CoordinatesToCellName(xcol["Received"]+1, i+2)
		require.NoError(t, err)
		shown, err := x.GetCellValue(reports.SheetComplaints, cell)
		require.NoError(t, err)
		switch r[0] {
		case dayOnly.Reference:
			found++
			require.Equal(t, dateStyle, style("Received"))
			require.NotEqual(t, style("Submitted"), style("Received"))
			require.Equal(t, strconv.FormatFloat(spreadsheet.ExcelDay(day), 'f', -1, 64), r[xcol["Received"]])
			require.NotContains(t, shown, ":", "a day without a time shows no time")
		case timed.Reference:
			found++
			require.Equal(t, style("Submitted"), style("Received"))
			require.NotEqual(t, dateStyle, style("Received"))
			require.Contains(t, shown, "14:35", "a time is shown with its time")
		}
	}
	require.Equal(t, 2, found)
}
