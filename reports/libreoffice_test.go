package reports_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/reports"
)

// findSoffice finds LibreOffice. CI installs it (.ci/run); a machine without
// it fails this test with an instruction rather than skipping it.
func findSoffice(t *testing.T) string {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	require.Fail(t, "LibreOffice is needed to check that workbooks open cleanly: apt-get install libreoffice-calc-nogui")
	return ""
}

// TestWorkbookOpensInLibreOffice has LibreOffice load the workbook and
// write every sheet back out as CSV: a file it had to repair, or could not
// read, fails the conversion or loses rows.
func TestWorkbookOpensInLibreOffice(t *testing.T) {
	t.Parallel()
	soffice := findSoffice(t)
	b := setup(t, 300)
	var buf bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, reports.Filter{ElectionID: b.election, IncludeText: true}, reports.FormatXLSX, &buf, nil))
	dir := t.TempDir()
	in := filepath.Join(dir, "trends.xlsx")
	require.NoError(t, os.WriteFile(in, buf.Bytes(), 0o600))

	// Sheet -1 writes every sheet to <name>-<sheet>.csv (LibreOffice 7.2+);
	// a private profile keeps parallel runs from sharing a lock.
	cmd := exec.CommandContext(b.ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
		"--outdir", dir, in)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	read := func(sheet string) [][]string {
		f, err := os.Open(filepath.Join(dir, "trends-"+sheet+".csv"))
		require.NoError(t, err, "LibreOffice wrote no %s sheet:\n%s", sheet, out)
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		require.NoError(t, err)
		return rows
	}
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

	// The formula a complainant pasted is text in LibreOffice too.
	all, err := os.ReadFile(filepath.Join(dir, "trends-Complaints.csv"))
	require.NoError(t, err)
	require.True(t, strings.Contains(string(all), "'"+hyperlink[:10]), "the pasted formula stays text")
	requireNoPersonalData(t, b, string(all))
}
