package reports_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/reports"
)

// openpyxlScript prints every non-empty text cell of the workbook named by
// its argument as JSON lines: sheet, cell, openpyxl's data type, the value
// and whether the cell's style sets quotePrefix. openpyxl is what many
// analysts read our workbooks with, and it reads the stored XML without
// excelize's help.
const openpyxlScript = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value:
                print(json.dumps({"sheet": ws.title, "cell": c.coordinate, "type": c.data_type,
                                  "value": c.value, "quote": bool(c.quotePrefix)}))
`

// python finds a Python 3 that has openpyxl (.ci/run installs Debian's
// python3-openpyxl when none has it).
func python(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("PYTHON"), "python3", "/usr/bin/python3"}
	for _, p := range candidates {
		if p == "" {
			continue
		}
		if err := exec.Command(p, "-c", "import openpyxl").Run(); err == nil {
			return p
		}
	}
	t.Fatal("no Python 3 with openpyxl: install python3-openpyxl (Debian) or set PYTHON")
	return ""
}

// TestOpenpyxlReadsFormulaTextAsQuotedStrings reads the trend workbook
// with openpyxl: every text that begins with a formula character is a
// string cell with the quote prefix set, shown exactly as sent (no
// apostrophe), and no cell anywhere shows an apostrophe before one.
func TestOpenpyxlReadsFormulaTextAsQuotedStrings(t *testing.T) {
	t.Parallel()
	py := python(t)
	b := setup(t, 60)
	var buf bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, reports.Filter{ElectionID: b.election, IncludeText: true}, reports.FormatXLSX, &buf, nil))
	path := filepath.Join(t.TempDir(), "trends.xlsx")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))

	out, err := exec.CommandContext(b.ctx, py, "-c", openpyxlScript, path).Output()
	require.NoError(t, err, "openpyxl could not read the workbook")
	type cell struct {
		Sheet, Cell, Type, Value string
		Quote                    bool
	}
	leading := func(s string) bool { return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) }
	var formulaLike, phones int
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var c cell
		require.NoError(t, json.Unmarshal([]byte(line), &c), line)
		require.False(t, strings.HasPrefix(c.Value, "'") && leading(c.Value[1:]),
			"%s!%s shows an apostrophe: %q", c.Sheet, c.Cell, c.Value)
		if !leading(c.Value) {
			continue
		}
		formulaLike++
		require.Equal(t, "s", c.Type, "%s!%s %q is not a string", c.Sheet, c.Cell, c.Value)
		require.True(t, c.Quote, "%s!%s %q has no quote prefix", c.Sheet, c.Cell, c.Value)
		if strings.HasPrefix(c.Value, "+44") {
			phones++
		}
	}
	require.Positive(t, formulaLike, "the fixture plants formula-like text; openpyxl found none")
	require.Positive(t, phones, "senders' numbers (+44…) are read as quoted text, without an apostrophe")
}
