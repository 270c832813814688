package spreadsheet_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

func TestCheckKindNamesTheWrongKindOfFile(t *testing.T) {
	t.Parallel()
	require.NoError(t, spreadsheet.CheckKind("rows.csv", []byte("a,b\n1,2\n")))
	require.NoError(t, spreadsheet.CheckKind("rows.xlsx", []byte("PK\x03\x04rest of a zip")))
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"dir/fake.png": {[]byte("\x89PNG\r\n\x1a\n\x00\x00"), "fake.png is not a CSV or XLSX spreadsheet (it looks like an image). Give a CSV or XLSX file"},
		"scan.pdf":     {[]byte("%PDF-1.7\n"), "scan.pdf is not a CSV or XLSX spreadsheet (it looks like a PDF document). Give a CSV or XLSX file"},
		"rows.xlsx":    {[]byte("a,b\n1,2\n"), "rows.xlsx is not an XLSX workbook: its content is not a spreadsheet. Export it again as XLSX or CSV"},
	} {
		err := spreadsheet.CheckKind(name, c.data)
		require.EqualError(t, err, c.want, name)
	}
}
