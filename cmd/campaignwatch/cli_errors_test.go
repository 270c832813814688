package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

// lines is stderr split into its lines.
func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// A bad flag is reported once, in one line with a hint, and the usage is
// not printed: not by the flag package, and not twice.
func TestBadFlagIsOneLine(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, "postgres://nobody@127.0.0.1:1/none")
	for _, args := range [][]string{
		{"demo", "--frobnicate"},
		{"demo", "--complaints", "many"},
		{"export", "trends", "--out"},
		{"complaints", "import", "--sauce", "x", "f.csv"},
		{"party", "list", "--nation"},
	} {
		code, stdout, stderr := runCLI(t, vars, "", args...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
		require.Empty(t, stdout)
		require.Len(t, lines(stderr), 1, "%v: %q", args, stderr)
		require.NotContains(t, stderr, "Usage")
		require.Contains(t, stderr, "--help' for usage.")
	}
	_, _, stderr := runCLI(t, vars, "", "demo", "--frobnicate")
	require.Equal(t, "campaignwatch demo: there is no --frobnicate flag. Run 'campaignwatch demo --help' for usage.\n", stderr)
	_, _, stderr = runCLI(t, vars, "", "demo", "--complaints", "many")
	require.Contains(t, stderr, `"many" is not a valid value for --complaints.`)

	// --help still prints the usage, once, and succeeds.
	code, _, stderr := runCLI(t, vars, "", "demo", "--help")
	require.Equal(t, 0, code)
	require.Equal(t, 1, strings.Count(stderr, "Usage: campaignwatch demo"))
	require.Contains(t, stderr, "-complaints")
}

// Field errors are sentences on lines of their own, never joined with
// ".;" and never naming the field's code.
func TestFieldErrorsOneLineEach(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewURL(t))
	code, _, stderr := runCLI(t, vars, "", "demo")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, vars, "", "election", "call", "--name", "Senedd 2099", "--type", "senedd",
		"--polling-day", "2099-05-07", "--announced", "2099-06-01", "--yes")
	require.Equal(t, 1, code, stderr)
	ls := lines(stderr)
	require.GreaterOrEqual(t, len(ls), 2, "a line for the summary and one per problem: %q", stderr)
	require.Equal(t, "campaignwatch election: Some answers need fixing.", ls[0])
	for _, l := range ls {
		require.True(t, strings.HasPrefix(l, "campaignwatch election: "), l)
		require.True(t, strings.HasSuffix(l, "."), l)
	}
	require.NotContains(t, stderr, ".;")
	require.NotContains(t, stderr, "polling_day")
	require.Contains(t, ls[1], "Polling day (7 May 2099) must be on or after")
}

// An export of an election that does not exist, or of nothing at all,
// fails with a sentence and writes no file.
func TestExportUnknownElectionOrNothing(t *testing.T) {
	t.Parallel()
	vars := baseVars(t, testdb.NewURL(t))
	out := filepath.Join(t.TempDir(), "trends.xlsx")
	code, _, stderr := runCLI(t, vars, "", "export", "trends", "--election", "999", "--out", out)
	require.Equal(t, 1, code, stderr)
	require.Equal(t, "campaignwatch export: There is no election 999.\n", stderr)
	require.NoFileExists(t, out)

	code, _, stderr = runCLI(t, vars, "", "export", "trends", "--from", "2020-01-01", "--to", "2020-01-31", "--format", "csv", "--out", out)
	require.Equal(t, 1, code, stderr)
	require.Contains(t, stderr, "No complaints match")
	require.Len(t, lines(stderr), 1)
	require.NoFileExists(t, out)
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	require.Empty(t, entries, "no temporary file left behind")
}

// A file that is not a spreadsheet is named as such by every import, and
// a dry run with invalid rows fails and says what would have been
// imported.
func TestImportsRefuseWrongFilesAndFailDryRuns(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	code, _, stderr := runCLI(t, vars, "", "demo")
	require.Equal(t, 0, code, stderr)
	dir := t.TempDir()
	write := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, content, 0o600))
		return p
	}
	png := write("fake.png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...))
	notXLSX := write("sheet.xlsx", []byte("name,channel\nA,sms\n"))
	for _, args := range [][]string{
		{"complaints", "import", png, "--source", "phone-line"},
		{"party", "import", png},
		{"audits", "import", "--audit", "1", png},
	} {
		code, stdout, stderr := runCLI(t, vars, "", args...)
		require.Equal(t, 1, code, "%v: %s", args, stderr)
		require.Equal(t, fmt.Sprintf("campaignwatch %s: fake.png is not a CSV or XLSX spreadsheet (it looks like an image). Give a CSV or XLSX file.\n", args[0]), stderr)
		require.NotContains(t, stdout+stderr, "rows read")
	}
	code, _, stderr = runCLI(t, vars, "", "complaints", "import", notXLSX, "--source", "x")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "sheet.xlsx is not an XLSX workbook")

	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	complaintsCSV := write("complaints.csv", []byte("source_id,channel,received_at,sender,message\n"+
		"A1,sms,2024-03-27,07700 900001,Vote now\n"+
		"A2,fax,not a date,01632 960001,Hello\n"+
		"A3,email,2024-03-28,news@example.org,Join us\n"))
	for _, skip := range []bool{false, true} {
		args := []string{"complaints", "import", complaintsCSV, "--source", "phone-line", "--dry-run"}
		if skip {
			args = append(args, "--skip-invalid")
		}
		code, stdout, stderr := runCLI(t, vars, "", args...)
		require.Equal(t, 1, code, "%v: %s %s", args, stdout, stderr)
		require.Contains(t, stdout, "Row 3, column channel:")
		require.Contains(t, stdout, "Dry run, nothing was stored: 2 valid rows would be imported, 0 rows already imported, 1 row invalid.")
		require.Len(t, lines(stderr), 1)
		require.Contains(t, stderr, "1 invalid row would ")
	}
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM complaints`).Scan(&n))
	require.Zero(t, n, "dry runs store nothing")
	// Without the invalid row the dry run succeeds.
	goodCSV := write("good.csv", []byte("source_id,channel,received_at,sender,message\nA1,sms,2024-03-27,07700 900001,Vote now\n"))
	code, stdout, stderr := runCLI(t, vars, "", "complaints", "import", goodCSV, "--source", "phone-line", "--dry-run")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "1 valid row would be imported")

	badParties := write("parties.csv", []byte("party_name,nations,contact_name,contact_email\nFen Party,england,Kit,kit@fen.example.org\nMoor,mars,Lu,lu@moor.example.org\n"))
	code, stdout, stderr = runCLI(t, vars, "", "party", "import", badParties, "--dry-run")
	require.Equal(t, 1, code, stderr)
	require.Regexp(t, `3\s+nations\s+"mars" is not a nation`, stdout)
	require.Equal(t, "campaignwatch party: Dry run, nothing was saved: the file has 1 problem (listed above), so an import would save none of its rows until they are fixed.\n", stderr)
}

// A second serve on an address already taken fails with a sentence before
// it migrates or starts River: no leader is elected and no job is queued.
func TestServeOnATakenPortStartsNoWorkers(t *testing.T) {
	t.Parallel()
	url := testdb.NewURL(t)
	vars := baseVars(t, url)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	vars["HTTP_ADDR"] = taken.Addr().String()
	vars["LOG_LEVEL"] = "info"

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb lockedBuffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(ctx, e, []string{"serve"})
	require.Equal(t, 1, code, errb.String())
	require.Contains(t, errb.String(), "campaignwatch serve: cannot listen on "+taken.Addr().String()+" (HTTP_ADDR): another program")
	require.Contains(t, errb.String(), "no job worker was started.")
	require.NotContains(t, errb.String(), "workers running")
	require.Empty(t, out.String())

	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	var leaders, jobs int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM river_leader), (SELECT count(*) FROM river_job)`).Scan(&leaders, &jobs))
	require.Zero(t, leaders, "River elected no leader")
	require.Zero(t, jobs, "River queued no periodic job")
}
