package outputtest

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Workbook is a workbook LibreOffice has opened and written back out, one
// CSV file per sheet.
type Workbook struct {
	dir, name string
	out       []byte
}

// OpenInLibreOffice has LibreOffice load xlsx (saved as name.xlsx) and
// write every sheet back out as CSV: a file it had to repair, or could not
// read, fails the conversion or loses rows. CI installs LibreOffice; a
// machine without it fails with an instruction rather than skipping.
func OpenInLibreOffice(t testing.TB, ctx context.Context, name string, xlsx []byte) Workbook {
	t.Helper()
	soffice := ""
	for _, n := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(n); err == nil {
			soffice = p
			break
		}
	}
	require.NotEmpty(t, soffice, "LibreOffice is needed to check that workbooks open cleanly: apt-get install libreoffice-calc-nogui")
	dir := t.TempDir()
	in := filepath.Join(dir, name+".xlsx")
	require.NoError(t, os.WriteFile(in, xlsx, 0o600))
	// Sheet -1 writes every sheet to <name>-<sheet>.csv (LibreOffice 7.2+);
	// a private profile keeps parallel runs from sharing a lock.
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
		"--outdir", dir, in)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return Workbook{dir: dir, name: name, out: out}
}

// Raw is the CSV LibreOffice wrote for sheet.
func (w Workbook) Raw(t testing.TB, sheet string) string {
	t.Helper()
	b, err := os.ReadFile(w.path(sheet))
	require.NoError(t, err, "LibreOffice wrote no %s sheet:\n%s", sheet, w.out)
	return string(b)
}

// Sheet is sheet's rows as LibreOffice read them.
func (w Workbook) Sheet(t testing.TB, sheet string) [][]string {
	t.Helper()
	f, err := os.Open(w.path(sheet))
	require.NoError(t, err, "LibreOffice wrote no %s sheet:\n%s", sheet, w.out)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	require.NoError(t, err)
	return rows
}

func (w Workbook) path(sheet string) string {
	return filepath.Join(w.dir, w.name+"-"+sheet+".csv")
}
