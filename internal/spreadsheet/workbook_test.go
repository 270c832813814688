package spreadsheet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

// A Sheet neutralises text, writes days as real dates, and finishes a
// table with a styled, frozen header and a filter over the data.
func TestSheetWritesTheSharedRules(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	st, err := spreadsheet.AddStyles(f)
	require.NoError(t, err)
	w := &spreadsheet.Sheet{File: f, Name: "Sheet1", Styles: st}
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
	require.Equal(t, "'=HYPERLINK(\"x\")", v, "text is neutralised")
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
