package reports

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

// Sheet names of the trend workbook, in order.
const (
	SheetSummary    = "Summary"
	SheetDaily      = "Daily"
	SheetParties    = "Parties"
	SheetProvisions = "Provisions"
	SheetClusters   = "Clusters"
	SheetReferrals  = "Referrals"
	SheetComplaints = "Complaints"
)

// RowSource feeds complaint rows to fn, one at a time, stopping at fn's
// first error.
type RowSource func(fn func(Row) error) error

// WorkbookOptions tune WriteWorkbook.
type WorkbookOptions struct {
	// ExpectedRows sizes the Complaints autofilter; it may be the count
	// read in the same snapshot. Zero filters the header row's columns.
	ExpectedRows int
	// IncludeText adds the redacted free-text column.
	IncludeText bool
	// Progress, when set, is called every ProgressEvery rows and at the end
	// with the number of complaint rows written.
	Progress      func(rows int)
	ProgressEvery int
}

// ComplaintHeader is the header of the Complaints sheet and the CSV.
func ComplaintHeader(includeText bool) []string {
	h := []string{"Reference", "Received", "Submitted", "Channel", "Party", "Sender (normalised)",
		"Provisions", "Guidance points", "Priority", "Status", "Outcome", "Channels reported", "Referred to"}
	if includeText {
		h = append(h, "Message and account (redacted)")
	}
	return h
}

type styles struct {
	header, date, datetime, number, title, wrap int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	mk := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	dateFmt, dtFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	mk(&s.header, &excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1D3557"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
	mk(&s.date, &excelize.Style{CustomNumFmt: &dateFmt})
	mk(&s.datetime, &excelize.Style{CustomNumFmt: &dtFmt})
	mk(&s.number, &excelize.Style{NumFmt: 3}) // #,##0
	mk(&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	mk(&s.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return s, err
}

// excelTime is t's Europe/London wall-clock time as an Excel serial date,
// computed directly so a million rows cost no per-cell lookups.
func excelTime(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	_, off := t.In(vocab.London).Zone()
	return float64(t.Unix()+int64(off))/86400 + 25569
}

func excelDay(d time.Time) float64 {
	return float64(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).Unix())/86400 + 25569
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

func colName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}

// sheetWriter writes small sheets cell by cell, neutralising every text.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	err   error
}

func (w *sheetWriter) set(col, row int, v any, style int) {
	if w.err != nil {
		return
	}
	if s, ok := v.(string); ok {
		v = spreadsheet.Neutralize(s)
	}
	cell := cellName(col, row)
	if w.err = w.f.SetCellValue(w.sheet, cell, v); w.err == nil && style != 0 {
		w.err = w.f.SetCellStyle(w.sheet, cell, cell, style)
	}
}

func (w *sheetWriter) header(row int, names ...string) {
	for i, n := range names {
		w.set(i+1, row, n, 0)
	}
	if w.err == nil && len(names) > 0 {
		w.err = w.f.SetCellStyle(w.sheet, cellName(1, row), cellName(len(names), row), 0)
	}
}

// table finishes a data sheet: header style, frozen header, autofilter
// over the data, and column widths.
func (w *sheetWriter) table(st styles, headerRow, cols, lastRow int, widths ...float64) {
	if w.err != nil {
		return
	}
	if w.err = w.f.SetCellStyle(w.sheet, cellName(1, headerRow), cellName(cols, headerRow), st.header); w.err != nil {
		return
	}
	if w.err = w.f.SetPanes(w.sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, XSplit: 1,
		TopLeftCell: cellName(2, headerRow+1), ActivePane: "bottomRight"}); w.err != nil {
		return
	}
	if w.err = w.f.AutoFilter(w.sheet, cellName(1, headerRow)+":"+cellName(cols, max(lastRow, headerRow)), nil); w.err != nil {
		return
	}
	for i, wd := range widths {
		if w.err == nil {
			w.err = w.f.SetColWidth(w.sheet, colName(i+1), colName(i+1), wd)
		}
	}
}

// WriteWorkbook writes the trend workbook for t, with one Complaints row
// for each row rows yields, to out. The Complaints sheet is streamed to a
// temporary file, so memory does not grow with the number of rows.
func WriteWorkbook(out io.Writer, t *Trends, rows RowSource, opts WorkbookOptions) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	for _, name := range []string{SheetDaily, SheetParties, SheetProvisions, SheetClusters, SheetReferrals, SheetComplaints} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "Complaints trend report", Creator: "campaignwatch", Created: t.GeneratedAt.UTC().Format(time.RFC3339)})

	for _, step := range []func(*excelize.File, styles, *Trends) error{writeSummary, writeDaily, writeParties, writeProvisions, writeClusters, writeReferrals} {
		if err := step(f, st, t); err != nil {
			return err
		}
	}
	if err := writeComplaints(f, st, rows, opts); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	// excelize's WriteTo assembles the whole zip in a bytes.Buffer before
	// copying it out, so a million-row workbook would cost its size (and,
	// as the buffer doubles, up to twice more) in memory. Its zip writer is
	// pointed at out instead: the archive streams straight there and the
	// buffer WriteTo then copies is empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(out) })
	_, err = f.WriteTo(io.Discard)
	return err
}

func writeSummary(f *excelize.File, st styles, t *Trends) error {
	w := &sheetWriter{f: f, sheet: SheetSummary}
	row := 1
	w.set(1, row, "Complaints trend report", st.title)
	row += 2
	w.header(row, "Item", "Value")
	if w.err == nil {
		w.err = f.SetCellStyle(SheetSummary, "A3", "B3", st.header)
	}
	kv := func(k string, v any, style int) {
		row++
		w.set(1, row, k, 0)
		w.set(2, row, v, style)
	}
	kv("Generated at (UK time)", excelTime(t.GeneratedAt), st.datetime)
	if t.Election != nil {
		kv("Election", t.Election.Name, 0)
		kv("Polling day", excelDay(t.Election.PollingDay), st.date)
	}
	kv("Period from", excelDay(t.From), st.date)
	kv("Period to", excelDay(t.To), st.date)
	parties := "All parties"
	if len(t.PartyNames) > 0 {
		parties = strings.Join(t.PartyNames, "; ")
	}
	kv("Parties", parties, 0)
	channels := "All channels"
	if len(t.Filter.Channels) > 0 {
		var names []string
		for _, c := range t.Filter.Channels {
			names = append(names, vocab.ChannelLabel(c))
		}
		channels = strings.Join(names, "; ")
	}
	kv("Channels", channels, 0)
	kv("Free text included (redacted)", yesNo(t.Filter.IncludeText), 0)
	kv("Triage rulebook version", t.RulebookVersion, 0)
	kv("Complaints", t.Total, st.number)
	kv("of which repeats of an earlier complaint", t.Duplicates, st.number)
	kv(vocab.Untriaged.Label.EN, t.Untriaged, st.number)
	kv("Senders named in 2 or more complaints", len(t.Clusters), st.number)
	kv("Out of scope (referred to another body; see Referrals)", t.OutOfScope, st.number)
	kv("How channels are counted", ChannelCountNote, st.wrap)
	for _, c := range vocab.ChannelCodes() {
		kv("Channel: "+vocab.ChannelLabel(c), t.ByChannel[c], st.number)
	}
	for _, p := range vocab.PriorityCodes() {
		kv("Priority: "+p, t.ByPriority[p], st.number)
	}
	for _, s := range t.ByStatus {
		kv("Status: "+s.Label, s.Count, st.number)
	}
	if w.err != nil {
		return w.err
	}
	if err := f.SetColWidth(SheetSummary, "A", "A", 42); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetSummary, "B", "B", 48); err != nil {
		return err
	}
	return f.SetPanes(SheetSummary, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func channelHeader(first string) []string {
	h := []string{first}
	for _, c := range vocab.ChannelCodes() {
		h = append(h, vocab.ChannelLabel(c))
	}
	return append(h, "Total")
}

func writeDaily(f *excelize.File, st styles, t *Trends) error {
	w := &sheetWriter{f: f, sheet: SheetDaily}
	w.header(1, channelHeader("Date")...)
	for i, d := range t.Daily {
		r := i + 2
		w.set(1, r, excelDay(d.Date), st.date)
		for j, c := range vocab.ChannelCodes() {
			w.set(j+2, r, d.ByChannel[c], 0)
		}
		w.set(len(vocab.Channels)+2, r, d.Total, 0)
	}
	last := len(t.Daily) + 1
	w.set(1, last+2, ChannelCountNote, 0)
	w.table(st, 1, len(vocab.Channels)+2, last, 12, 14, 10, 16, 12, 20, 20, 10, 10)
	if w.err != nil || len(t.Daily) == 0 {
		return w.err
	}
	return addChannelChart(f, SheetDaily, last, excelize.Line, "Complaints per day by channel", 400)
}

// addChannelChart charts a sheet laid out as one row per item (column A)
// and one column per channel (B onwards), rows 2 to last, beside the table.
func addChannelChart(f *excelize.File, sheet string, last int, typ excelize.ChartType, title string, height uint) error {
	var series []excelize.ChartSeries
	for j := range vocab.Channels {
		col := colName(j + 2)
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$%s$1", sheet, col),
			Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", sheet, last),
			Values:     fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheet, col, col, last),
		})
	}
	return f.AddChart(sheet, cellName(len(vocab.Channels)+4, 2), &excelize.Chart{
		Type: typ, Series: series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 880, Height: height},
		YAxis:     excelize.ChartAxis{MajorGridLines: true},
	})
}

// PartyFigureHeader names the Parties sheet's columns after the channels
// and Total: the figures each party's follow-up report gives, from the
// same PartyFigures, so the workbook and the reports cannot disagree.
var PartyFigureHeader = []string{"Out of scope", "In the party's report", "Repeats (in the report)", "Not yet triaged"}

func writeParties(f *excelize.File, st styles, t *Trends) error {
	w := &sheetWriter{f: f, sheet: SheetParties}
	w.header(1, append(channelHeader("Party"), PartyFigureHeader...)...)
	for i, p := range t.Parties {
		r := i + 2
		w.set(1, r, p.Party, 0)
		for j, c := range vocab.ChannelCodes() {
			w.set(j+2, r, p.ByChannel[c], 0)
		}
		w.set(len(vocab.Channels)+2, r, p.Total, 0)
		fig := t.FiguresFor(p.PartyID)
		for j, n := range []int{fig.OutOfScope, fig.Reported, fig.Repeats, fig.Untriaged} {
			w.set(len(vocab.Channels)+3+j, r, n, 0)
		}
	}
	last := len(t.Parties) + 1
	w.set(1, last+2, "A party's follow-up report counts the complaints naming it less those out of scope; complaints not yet triaged are in it.", 0)
	w.set(1, last+3, ChannelCountNote, 0)
	w.table(st, 1, len(vocab.Channels)+2+len(PartyFigureHeader), last, 36, 14, 10, 16, 12, 20, 20, 10, 10, 14, 16, 16, 14)
	if w.err != nil || len(t.Parties) == 0 {
		return w.err
	}
	return addChannelChart(f, SheetParties, last, excelize.ColStacked, "Complaints by party and channel", 420)
}

func writeProvisions(f *excelize.File, st styles, t *Trends) error {
	w := &sheetWriter{f: f, sheet: SheetProvisions}
	h := []string{"Kind", "Code", "Total"}
	for _, p := range t.Parties {
		h = append(h, p.Party)
	}
	w.header(1, h...)
	for i, c := range t.Codes {
		r := i + 2
		w.set(1, r, c.Kind, 0)
		w.set(2, r, c.Code, 0)
		w.set(3, r, c.Total, 0)
		for j, p := range t.Parties {
			w.set(j+4, r, c.ByParty[p.Party], 0)
		}
	}
	widths := []float64{12, 16, 10}
	for range t.Parties {
		widths = append(widths, 18)
	}
	w.table(st, 1, len(h), len(t.Codes)+1, widths...)
	return w.err
}

func writeClusters(f *excelize.File, st styles, t *Trends) error {
	w := &sheetWriter{f: f, sheet: SheetClusters}
	w.header(1, "Sender (normalised)", "Complaints", "Parties", "Channels", "First received", "Last received")
	for i, c := range t.Clusters {
		r := i + 2
		w.set(1, r, c.Sender, 0)
		w.set(2, r, c.Count, 0)
		w.set(3, r, strings.Join(c.Parties, "; "), 0)
		var chs []string
		for _, ch := range c.Channels {
			chs = append(chs, vocab.ChannelLabel(ch))
		}
		w.set(4, r, strings.Join(chs, "; "), 0)
		w.set(5, r, excelTime(c.First), st.datetime)
		w.set(6, r, excelTime(c.Last), st.datetime)
	}
	w.table(st, 1, 6, len(t.Clusters)+1, 32, 12, 40, 30, 18, 18)
	return w.err
}

// writeReferrals lists the out-of-scope complaints by the body they were
// referred to, in words. They are counted in every other sheet too.
func writeReferrals(f *excelize.File, st styles, t *Trends) error {
	w := &sheetWriter{f: f, sheet: SheetReferrals}
	w.header(1, "Referred to", "Complaints")
	for i, c := range t.Referrals {
		w.set(1, i+2, c.Label, 0)
		w.set(2, i+2, c.Count, st.number)
	}
	last := len(t.Referrals) + 1
	w.set(1, last+1, "Total out of scope", 0)
	w.set(2, last+1, t.OutOfScope, st.number)
	w.set(1, last+3, "Complaints about matters another body handles. Triage told the complainant where to go; they are still counted in the other sheets.", 0)
	w.table(st, 1, 2, last, 60, 14)
	return w.err
}

func writeComplaints(f *excelize.File, st styles, rows RowSource, opts WorkbookOptions) error {
	sw, err := f.NewStreamWriter(SheetComplaints)
	if err != nil {
		return err
	}
	header := ComplaintHeader(opts.IncludeText)
	widths := []float64{16, 17, 17, 18, 32, 26, 30, 18, 10, 14, 14, 30, 40, 80}
	for i := range header {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	every := opts.ProgressEvery
	if every <= 0 {
		every = 10000
	}
	n := 0
	err = rows(func(r Row) error {
		n++
		cells[0] = spreadsheet.Neutralize(r.Reference)
		cells[1] = excelize.Cell{StyleID: st.datetime, Value: excelTime(r.ReceivedAt)}
		cells[2] = excelize.Cell{StyleID: st.datetime, Value: excelTime(r.SubmittedAt)}
		cells[3] = spreadsheet.Neutralize(vocab.ChannelLabel(r.Channel))
		cells[4] = spreadsheet.Neutralize(r.Party)
		cells[5] = spreadsheet.Neutralize(r.Sender)
		cells[6] = spreadsheet.Neutralize(strings.Join(r.Provisions, ", "))
		cells[7] = spreadsheet.Neutralize(strings.Join(r.Guidance, ", "))
		cells[8] = spreadsheet.Neutralize(r.Priority)
		cells[9] = spreadsheet.Neutralize(r.Status)
		cells[10] = spreadsheet.Neutralize(r.Outcome)
		chs := make([]string, len(r.Channels))
		for i, c := range r.Channels {
			chs[i] = vocab.ChannelLabel(c)
		}
		cells[11] = spreadsheet.Neutralize(strings.Join(chs, "; "))
		cells[12] = ""
		if r.Referral != "" {
			cells[12] = spreadsheet.Neutralize(complaints.ReferralBodyLabel(r.Referral))
		}
		if opts.IncludeText {
			cells[13] = excelize.Cell{StyleID: st.wrap, Value: spreadsheet.Neutralize(r.Text)}
		}
		if err := sw.SetRow(cellName(1, n+1), cells); err != nil {
			return err
		}
		if opts.Progress != nil && n%every == 0 {
			opts.Progress(n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if opts.Progress != nil {
		opts.Progress(n)
	}
	// The stream writer emits the worksheet's autoFilter on Flush, so it is
	// set on the worksheet now that the last row is known.
	if err := f.AutoFilter(SheetComplaints, "A1:"+cellName(len(header), max(n, opts.ExpectedRows, 1)+1), nil); err != nil {
		return err
	}
	return sw.Flush()
}
