package reports_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/outputtest"
	"github.com/campaignwatch/campaignwatch/reports"
)

// TestWorkbookOpensInLibreOffice has LibreOffice load the workbook and
// write every sheet back out as CSV: a file it had to repair, or could not
// read, fails the conversion or loses rows.
func TestWorkbookOpensInLibreOffice(t *testing.T) {
	t.Parallel()
	b := setup(t, 300)
	var buf bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, reports.Filter{ElectionID: b.election, IncludeText: true}, reports.FormatXLSX, &buf, nil))
	wb := outputtest.OpenInLibreOffice(t, b.ctx, "trends", buf.Bytes())
	read := func(sheet string) [][]string { return wb.Sheet(t, sheet) }
	for _, sheet := range []string{"Summary", "Daily", "Parties", "Provisions", "Clusters"} {
		require.NotEmpty(t, read(sheet), sheet)
	}
	total := sqlCount(t, b, `c.election_id = $1`, b.election)
	rows := read("Complaints")
	require.Len(t, rows, total+1, "a header and one row per complaint")
	summary := map[string]string{}
	for _, r := range read("Summary") {
		if len(r) >= 2 {
			summary[r[0]] = r[1]
		}
	}
	require.Equal(t, strconv.Itoa(total), summary["Complaints"])

	// The formula a complainant pasted is text in LibreOffice too, shown
	// as sent: the quote prefix keeps it text without an apostrophe.
	all := wb.Raw(t, "Complaints")
	require.Contains(t, all, hyperlink[:10], "the pasted formula stays text")
	require.NotContains(t, all, "'"+hyperlink[:10])
	requireNoPersonalData(t, b, all)
}
