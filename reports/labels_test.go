package reports_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/reports"
)

// The CSV and the workbook say the same words for the same complaint: the
// workbook's coded columns show labels, and the CSV keeps each code with a
// `*_label` column beside it holding that same label. The CSV keeps its
// apostrophe against formulas; the workbook shows none.
func TestCSVAndWorkbookCarryTheSameLabels(t *testing.T) {
	t.Parallel()
	b := setup(t, 200)
	f := reports.Filter{ElectionID: b.election, IncludeText: true}
	var xb, cb bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, f, reports.FormatXLSX, &xb, nil))
	require.NoError(t, b.store.Write(b.ctx, f, reports.FormatCSV, &cb, nil))

	x, err := excelize.OpenReader(bytes.NewReader(xb.Bytes()))
	require.NoError(t, err)
	defer x.Close()
	xrows, err := x.GetRows(reports.SheetComplaints)
	require.NoError(t, err)
	crows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(cb.String(), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, len(xrows), len(crows))
	xcol, ccol := columnIndex(xrows[0]), columnIndex(crows[0])
	require.Equal(t, reports.CSVHeader(true), crows[0])

	// Each coded column: its CSV label column, and the code's label.
	coded := []struct {
		column, label string
		codeLabel     func(string) string
	}{
		{"Channel", "channel_label", vocab.ChannelLabel},
		{"Priority", "priority_label", vocab.PriorityLabel},
		{"Status", "status_label", vocab.StatusLabel},
		{"Outcome", "outcome_label", vocab.OutcomeLabel},
		{"Channels reported", "channels_reported_label", func(c string) string { return reports.ChannelsLabel(strings.Split(c, ";")...) }},
		{"Referred to", "referred_to_label", reports.ReferralLabel},
	}
	xlsxByRef := map[string][]string{}
	for _, r := range xrows[1:] {
		xlsxByRef[r[0]] = r
	}
	seen := map[string]map[string]bool{}
	for _, r := range crows[1:] {
		ref := strings.TrimPrefix(r[0], "'")
		xr, ok := xlsxByRef[ref]
		require.True(t, ok, "complaint %s is in the CSV but not the workbook", ref)
		for _, c := range coded {
			require.Equal(t, ccol[c.column]+1, ccol[c.label], "%s sits beside %s", c.label, c.column)
			code, label := r[ccol[c.column]], r[ccol[c.label]]
			cell := ""
			if i := xcol[c.column]; i < len(xr) {
				cell = xr[i]
			}
			require.Equal(t, cell, label, "%s of %s", c.column, ref)
			if code == "" {
				require.Empty(t, label)
				continue
			}
			require.Equal(t, c.codeLabel(code), label, "%s of %s", c.column, ref)
			if seen[c.column] == nil {
				seen[c.column] = map[string]bool{}
			}
			seen[c.column][code] = true
		}
		if ref == b.formula {
			require.Contains(t, r, "'+447700900666", "the CSV keeps its apostrophe")
			require.Equal(t, "+447700900666", xr[xcol["Sender (normalised)"]], "the workbook shows none")
		}
	}
	for _, c := range coded {
		require.NotEmpty(t, seen[c.column], "the demo data exercise %s", c.column)
		for code := range seen[c.column] {
			if strings.Contains(code, "_") {
				require.NotEqual(t, code, c.codeLabel(code), "%s has a label", code)
			}
		}
	}
}
