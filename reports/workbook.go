package reports

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

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

// excelTime is t's Europe/London wall-clock time as an Excel serial date,
// computed directly so a million rows cost no per-cell lookups.
func excelTime(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	_, off := t.In(vocab.London).Zone()
	return float64(t.Unix()+int64(off))/86400 + 25569
}

// receivedCell is the Received cell of r: a date in the date style when
// only the day is known, a time in the date-time style otherwise.
func receivedCell(r Row, dateStyle, dateTimeStyle int) excelize.Cell {
	if !r.ReceivedAtHasTime && !r.ReceivedAt.IsZero() {
		return excelize.Cell{StyleID: dateStyle, Value: spreadsheet.ExcelDay(r.ReceivedAt.In(vocab.London))}
	}
	return excelize.Cell{StyleID: dateTimeStyle, Value: excelTime(r.ReceivedAt)}
}

// WriteWorkbook writes the trend workbook for t, with one Complaints row
// for each row rows yields, to out. The Complaints sheet is streamed to a
// temporary file, so memory does not grow with the number of rows.
func WriteWorkbook(out io.Writer, t *Trends, rows RowSource, opts WorkbookOptions) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := spreadsheet.AddStyles(f)
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

	for _, step := range []func(*excelize.File, spreadsheet.Styles, *Trends) error{writeSummary, writeDaily, writeParties, writeProvisions, writeClusters, writeReferrals} {
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

func writeSummary(f *excelize.File, st spreadsheet.Styles, t *Trends) error {
	w := &spreadsheet.Sheet{File: f, Name: SheetSummary, Styles: st}
	row := 1
	w.Set(1, row, "Complaints trend report", st.Title)
	row += 2
	w.Header(row, "Item", "Value")
	if err := w.Err(); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetSummary, "A3", "B3", st.Header); err != nil {
		return err
	}
	kv := func(k string, v any, style int) {
		row++
		w.Set(1, row, k, 0)
		w.Set(2, row, v, style)
	}
	kv("Generated at (UK time)", excelTime(t.GeneratedAt), st.DateTime)
	if t.Election != nil {
		kv("Election", t.Election.Name, 0)
		kv("Polling day", spreadsheet.ExcelDay(t.Election.PollingDay), st.Date)
	}
	kv("Period from", spreadsheet.ExcelDay(t.From), st.Date)
	kv("Period to", spreadsheet.ExcelDay(t.To), st.Date)
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
	kv("Complaints", t.Total, st.Number)
	kv("of which repeats of an earlier complaint", t.Duplicates, st.Number)
	kv(vocab.Untriaged.Label.EN, t.Untriaged, st.Number)
	kv("Senders named in 2 or more complaints", len(t.Clusters), st.Number)
	kv("Out of scope (referred to another body; see Referrals)", t.OutOfScope, st.Number)
	kv("How channels are counted", ChannelCountNote, st.Wrap)
	for _, c := range vocab.ChannelCodes() {
		kv("Channel: "+vocab.ChannelLabel(c), t.ByChannel[c], st.Number)
	}
	for _, p := range vocab.PriorityCodes() {
		kv("Priority: "+vocab.PriorityLabel(p), t.ByPriority[p], st.Number)
	}
	for _, s := range t.ByStatus {
		// The trends keep the status code (the API's by_status); the
		// sheet shows its label.
		kv("Status: "+StatusLabel(s.Label), s.Count, st.Number)
	}
	if w.Err() != nil {
		return w.Err()
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

func writeDaily(f *excelize.File, st spreadsheet.Styles, t *Trends) error {
	w := &spreadsheet.Sheet{File: f, Name: SheetDaily, Styles: st}
	w.Header(1, channelHeader("Date")...)
	for i, d := range t.Daily {
		r := i + 2
		w.Set(1, r, spreadsheet.ExcelDay(d.Date), st.Date)
		for j, c := range vocab.ChannelCodes() {
			w.Set(j+2, r, d.ByChannel[c], 0)
		}
		w.Set(len(vocab.Channels)+2, r, d.Total, 0)
	}
	last := len(t.Daily) + 1
	w.Set(1, last+2, ChannelCountNote, 0)
	w.Table(1, len(vocab.Channels)+2, last, 12, 14, 10, 16, 12, 20, 20, 10, 10)
	if w.Err() != nil || len(t.Daily) == 0 {
		return w.Err()
	}
	return addChannelChart(f, SheetDaily, last, excelize.Line, "Complaints per day by channel", 400, DailyAxisFormat)
}

// DailyAxisFormat is the number format of the Daily chart's date axis
// ("2 Jan"). A category axis left at excelize's "General" shows the days
// as serial numbers such as 46023.
const DailyAxisFormat = "d mmm"

// addChannelChart charts a sheet laid out as one row per item (column A)
// and one column per channel (B onwards), rows 2 to last, beside the table.
// axisFormat, when set, is the number format of the category axis.
func addChannelChart(f *excelize.File, sheet string, last int, typ excelize.ChartType, title string, height uint, axisFormat string) error {
	var series []excelize.ChartSeries
	for j := range vocab.Channels {
		col := spreadsheet.ColName(j + 2)
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$%s$1", sheet, col),
			Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", sheet, last),
			Values:     fmt.Sprintf("'%s'!$%s$2:$%s$%d", sheet, col, col, last),
		})
	}
	return f.AddChart(sheet, spreadsheet.CellName(len(vocab.Channels)+4, 2), &excelize.Chart{
		Type: typ, Series: series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 880, Height: height},
		XAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: axisFormat}},
		YAxis:     excelize.ChartAxis{MajorGridLines: true},
	})
}

// PartyFigureHeader names the Parties sheet's columns after the channels
// and Total: the figures each party's follow-up report gives, from the
// same PartyFigures, so the workbook and the reports cannot disagree.
var PartyFigureHeader = []string{"Out of scope", "In the party's report", "Repeats (in the report)", "Not yet triaged"}

func writeParties(f *excelize.File, st spreadsheet.Styles, t *Trends) error {
	w := &spreadsheet.Sheet{File: f, Name: SheetParties, Styles: st}
	w.Header(1, append(channelHeader("Party"), PartyFigureHeader...)...)
	for i, p := range t.Parties {
		r := i + 2
		w.Set(1, r, p.Party, 0)
		for j, c := range vocab.ChannelCodes() {
			w.Set(j+2, r, p.ByChannel[c], 0)
		}
		w.Set(len(vocab.Channels)+2, r, p.Total, 0)
		fig := t.FiguresFor(p.PartyID)
		for j, n := range []int{fig.OutOfScope, fig.Reported, fig.Repeats, fig.Untriaged} {
			w.Set(len(vocab.Channels)+3+j, r, n, 0)
		}
	}
	last := len(t.Parties) + 1
	w.Set(1, last+2, "A party's follow-up report counts the complaints naming it less those out of scope; complaints not yet triaged are in it.", 0)
	w.Set(1, last+3, ChannelCountNote, 0)
	w.Table(1, len(vocab.Channels)+2+len(PartyFigureHeader), last, 36, 14, 10, 16, 12, 20, 20, 10, 10, 14, 16, 16, 14)
	if w.Err() != nil || len(t.Parties) == 0 {
		return w.Err()
	}
	return addChannelChart(f, SheetParties, last, excelize.ColStacked, "Complaints by party and channel", 420, "")
}

// ProvisionKinds name the kinds of code on the Provisions sheet.
var ProvisionKinds = map[string]string{"provision": "Provision", "guidance": "Guidance point"}

func writeProvisions(f *excelize.File, st spreadsheet.Styles, t *Trends) error {
	w := &spreadsheet.Sheet{File: f, Name: SheetProvisions, Styles: st}
	// The code stays: it is how the law and the rulebook cite a provision.
	// Its title beside it says what the code means.
	h := []string{"Kind", "Code", "What it covers", "Total"}
	for _, p := range t.Parties {
		h = append(h, p.Party)
	}
	w.Header(1, h...)
	for i, c := range t.Codes {
		r := i + 2
		kind := ProvisionKinds[c.Kind]
		if kind == "" {
			kind = c.Kind
		}
		w.Set(1, r, kind, 0)
		w.Set(2, r, c.Code, 0)
		w.Set(3, r, CodeTitle(c.Code), 0)
		w.Set(4, r, c.Total, 0)
		for j, p := range t.Parties {
			w.Set(j+5, r, c.ByParty[p.Party], 0)
		}
	}
	widths := []float64{16, 16, 60, 10}
	for range t.Parties {
		widths = append(widths, 18)
	}
	w.Table(1, len(h), len(t.Codes)+1, widths...)
	return w.Err()
}

func writeClusters(f *excelize.File, st spreadsheet.Styles, t *Trends) error {
	w := &spreadsheet.Sheet{File: f, Name: SheetClusters, Styles: st}
	w.Header(1, "Sender (normalised)", "Complaints", "Parties", "Channels", "First received", "Last received")
	for i, c := range t.Clusters {
		r := i + 2
		w.Set(1, r, c.Sender, 0)
		w.Set(2, r, c.Count, 0)
		w.Set(3, r, strings.Join(c.Parties, "; "), 0)
		var chs []string
		for _, ch := range c.Channels {
			chs = append(chs, vocab.ChannelLabel(ch))
		}
		w.Set(4, r, strings.Join(chs, "; "), 0)
		w.Set(5, r, excelTime(c.First), st.DateTime)
		w.Set(6, r, excelTime(c.Last), st.DateTime)
	}
	w.Table(1, 6, len(t.Clusters)+1, 32, 12, 40, 30, 18, 18)
	return w.Err()
}

// writeReferrals lists the out-of-scope complaints by the body they were
// referred to, in words. They are counted in every other sheet too.
func writeReferrals(f *excelize.File, st spreadsheet.Styles, t *Trends) error {
	w := &spreadsheet.Sheet{File: f, Name: SheetReferrals, Styles: st}
	w.Header(1, "Referred to", "Complaints")
	for i, c := range t.Referrals {
		w.Set(1, i+2, c.Label, 0)
		w.Set(2, i+2, c.Count, st.Number)
	}
	last := len(t.Referrals) + 1
	w.Set(1, last+1, "Total out of scope", 0)
	w.Set(2, last+1, t.OutOfScope, st.Number)
	w.Set(1, last+3, "Complaints about matters another body handles. Triage told the complainant where to go; they are still counted in the other sheets.", 0)
	w.Table(1, 2, last, 60, 14)
	return w.Err()
}

func writeComplaints(f *excelize.File, st spreadsheet.Styles, rows RowSource, opts WorkbookOptions) error {
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
		cells[i] = excelize.Cell{StyleID: st.Header, Value: h}
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
		text := func(v string) any { return st.TextCell(v, 0) }
		cells[0] = text(r.Reference)
		cells[1] = receivedCell(r, st.Date, st.DateTime)
		cells[2] = excelize.Cell{StyleID: st.DateTime, Value: excelTime(r.SubmittedAt)}
		cells[3] = text(ChannelsLabel(r.Channel))
		cells[4] = text(r.Party)
		cells[5] = text(r.Sender)
		cells[6] = text(strings.Join(r.Provisions, ", "))
		cells[7] = text(strings.Join(r.Guidance, ", "))
		cells[8] = text(PriorityLabel(r.Priority))
		cells[9] = text(StatusLabel(r.Status))
		cells[10] = text(OutcomeLabel(r.Outcome))
		cells[11] = text(ChannelsLabel(r.Channels...))
		cells[12] = text(ReferralLabel(r.Referral))
		if opts.IncludeText {
			cells[13] = excelize.Cell{StyleID: st.ForText(r.Text, st.Wrap), Value: r.Text}
		}
		if err := sw.SetRow(spreadsheet.CellName(1, n+1), cells); err != nil {
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
	if err := f.AutoFilter(SheetComplaints, "A1:"+spreadsheet.CellName(len(header), max(n, opts.ExpectedRows, 1)+1), nil); err != nil {
		return err
	}
	return sw.Flush()
}
