package spreadsheet_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet/spreadsheettest"
)

// newSheet is a new workbook with the shared styles and a Sheet writing
// to its first sheet, closed when the test ends.
func newSheet(t *testing.T) (*excelize.File, spreadsheet.Styles, *spreadsheet.Sheet) {
	t.Helper()
	f := excelize.NewFile()
	t.Cleanup(func() { f.Close() })
	st, err := spreadsheet.AddStyles(f)
	require.NoError(t, err)
	return f, st, &spreadsheet.Sheet{File: f, Name: "Sheet1", Styles: st}
}

// A Sheet neutralises text, writes days as real dates, and finishes a
// table with a styled, frozen header and a filter over the data.
func TestSheetWritesTheSharedRules(t *testing.T) {
	t.Parallel()
	f, st, w := newSheet(t)
	w.Header(1, "Name", "Day", "Count")
	w.Row = 1
	day := time.Date(2021, 3, 4, 23, 30, 0, 0, time.UTC)
	var none *time.Time
	w.Add("=HYPERLINK(\"x\")", day, 3)
	w.Add("plain", none, 4)
	w.Table(1, 3, w.Row, 20, 12, 8)
	require.NoError(t, w.Err())

	v, err := f.GetCellValue("Sheet1", "A2")
	require.NoError(t, err)
	require.Equal(t, "=HYPERLINK(\"x\")", v, "text is kept as sent, with no apostrophe")
	formula, err := f.GetCellFormula("Sheet1", "A2")
	require.NoError(t, err)
	require.Empty(t, formula)
	raw, err := f.GetCellValue("Sheet1", "B2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.Equal(t, "44259", raw, "4 March 2021 as an Excel serial day")
	style, err := f.GetCellStyle("Sheet1", "B2")
	require.NoError(t, err)
	require.Equal(t, st.Date, style)
	empty, err := f.GetCellValue("Sheet1", "B3")
	require.NoError(t, err)
	require.Empty(t, empty, "a nil day is an empty cell")
	hs, err := f.GetCellStyle("Sheet1", "C1")
	require.NoError(t, err)
	require.Equal(t, st.Header, hs)
	panes, err := f.GetPanes("Sheet1")
	require.NoError(t, err)
	require.True(t, panes.Freeze)
	require.Equal(t, 1, panes.YSplit)
	width, err := f.GetColWidth("Sheet1", "A")
	require.NoError(t, err)
	require.Equal(t, 20.0, width)
}

// Text that could pass for a formula is stored as a string whose style
// has Excel's quote prefix, in any style the sheet writes text with, and
// the styles made later from the same settings stay plain.
func TestSheetQuotePrefixesFormulaText(t *testing.T) {
	t.Parallel()
	f, st, w := newSheet(t)
	w.Header(1, "-Header", "Plain")
	w.Row = 1
	w.Add("=1+2", "+441134960004", "-5", "@SUM(A1)", "\tcmd", "plain", "a=b", "'quoted")
	w.Set(1, 3, "=wrapped", st.Wrap)
	w.Set(2, 3, "wrapped", st.Wrap)
	w.Table(1, 2, w.Row, 10, 10)
	require.NoError(t, w.Err())
	again, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	require.NoError(t, err)
	require.Equal(t, st.Wrap, again, "a new style like Wrap is Wrap, not its quoted copy")

	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	cells := spreadsheettest.Cells(t, buf.Bytes())
	require.Equal(t, 7, spreadsheettest.RequireQuotedFormulaText(t, cells))
	by := map[string]spreadsheettest.Cell{}
	for _, c := range cells {
		by[c.Ref] = c
	}
	require.Equal(t, "+441134960004", by["B2"].Value)
	require.True(t, by["B2"].IsString())
	for _, ref := range []string{"B1", "F2", "G2", "H2", "B3"} {
		require.False(t, by[ref].QuotePrefix, "%s %q needs no quote prefix", ref, by[ref].Value)
	}
	require.Equal(t, "'quoted", by["H2"].Value, "an apostrophe the sender typed is data")
	wrapped, err := f.GetCellStyle("Sheet1", "A3")
	require.NoError(t, err)
	require.Equal(t, st.ForText("=wrapped", st.Wrap), wrapped)
	require.NotEqual(t, st.Wrap, wrapped)
	hs, err := f.GetCellStyle("Sheet1", "A1")
	require.NoError(t, err)
	require.Equal(t, st.ForText("-", st.Header), hs)
}

func TestFilename(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	require.Equal(t, "campaignwatch-senedd-cymru-2026-2026-01-02-2026-01-03.xlsx",
		spreadsheet.Filename("xlsx", "Senedd Cymru 2026", day, day.AddDate(0, 0, 1)))
	require.Equal(t, "campaignwatch-all-elections-2026-01-02.csv", spreadsheet.Filename("csv", "all-elections", day, time.Time{}, ""))
	require.Equal(t, "x", spreadsheet.Slug("../\\\"", "x"))
	require.Equal(t, "a-b-c", spreadsheet.Slug("  A/b:\"C\"\r\n", "x"))
}
