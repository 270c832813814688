package reports_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
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

// TestWorkbookReadsRightAsPDF prints the trend workbook to PDF with
// LibreOffice and reads the PDF's text, as a person would read the
// printout: the Daily chart's axis shows days ("2 Jan"), never the serial
// numbers spreadsheets store dates as, and no phone number or formula
// shows the apostrophe that once guarded it.
func TestWorkbookReadsRightAsPDF(t *testing.T) {
	t.Parallel()
	b := setup(t, 120)
	var buf bytes.Buffer
	require.NoError(t, b.store.Write(b.ctx, reports.Filter{ElectionID: b.election}, reports.FormatXLSX, &buf, nil))

	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	daily, err := x.GetRows(reports.SheetDaily, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.NoError(t, x.Close())
	var serials []string
	var days []time.Time
	for _, r := range daily[1:] {
		if len(r) < 2 {
			break // the note under the table
		}
		serial, err := strconv.ParseFloat(r[0], 64)
		require.NoError(t, err, "Daily's first column holds dates")
		serials = append(serials, strconv.Itoa(int(serial)))
		days = append(days, time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(serial)))
	}
	require.NotEmpty(t, days)

	text := outputtest.PDFText(t, pdfFromLibreOffice(t, b.ctx, buf.Bytes()))
	// The table's dates print as 2026-01-02; a "2 Jan" can only be the
	// chart's axis.
	require.Contains(t, text, days[0].Format("2 Jan"), "the Daily chart's first day, as a date")
	require.Contains(t, text, days[len(days)-1].Format("2 Jan"), "the Daily chart's last day, as a date")
	for _, s := range serials {
		require.NotRegexp(t, `\b`+s+`\b`, text, "a day shown as its serial number")
	}
	require.Contains(t, text, "+447700900666", "the sender's number prints as sent")
	require.NotRegexp(t, `'\s*\+?\d[\d ]{6,}`, text, "a phone number printed with an apostrophe")
	// The Summary names statuses and priorities in words.
	for _, code := range vocab.StatusCodes() {
		require.NotContains(t, text, "Status: "+code+"\n", "a status printed as its code")
	}
	for _, code := range vocab.PriorityCodes() {
		require.NotContains(t, text, "Priority: "+code+"\n", "a priority printed as its code")
		require.Contains(t, text, "Priority: "+vocab.PriorityLabel(code)+"\n")
	}
	require.Contains(t, text, "Status: "+vocab.StatusLabel(vocab.StatusTriaged)+"\n")
}

// pdfFromLibreOffice has LibreOffice print xlsx to PDF, every sheet.
func pdfFromLibreOffice(t *testing.T, ctx context.Context, xlsx []byte) []byte {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	require.NoError(t, err, "LibreOffice is needed to print the workbook: apt-get install libreoffice-calc-nogui")
	dir := t.TempDir()
	in := filepath.Join(dir, "trends.xlsx")
	require.NoError(t, os.WriteFile(in, xlsx, 0o600))
	// A private profile keeps parallel runs from sharing a lock.
	out, err := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", dir, in).CombinedOutput()
	require.NoError(t, err, "%s", out)
	pdf, err := os.ReadFile(filepath.Join(dir, "trends.pdf"))
	require.NoError(t, err, "LibreOffice wrote no PDF:\n%s", out)
	return pdf
}
