package reports

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

// A csvColumn is one column of the CSV: its header and its field of a row.
type csvColumn struct {
	name  string
	value func(Row) string
}

// coded is a column of codes followed by its `<name>_label` column, so a
// machine keeps the stable codes and a person reads the same words the
// workbook shows.
func coded(name, labelName string, code, label func(Row) string) []csvColumn {
	return []csvColumn{{name, code}, {labelName + "_label", label}}
}

// csvColumns are the CSV's columns: the workbook's Complaints columns in
// the same order, with codes where the workbook shows labels and a label
// column beside each of those.
func csvColumns(includeText bool) []csvColumn {
	var cols []csvColumn
	add := func(c ...csvColumn) { cols = append(cols, c...) }
	add(csvColumn{"Reference", func(r Row) string { return r.Reference }},
		csvColumn{"Received", csvReceived},
		csvColumn{"Submitted", func(r Row) string { return csvTime(r.SubmittedAt) }})
	add(coded("Channel", "channel", func(r Row) string { return r.Channel }, func(r Row) string { return ChannelsLabel(r.Channel) })...)
	add(csvColumn{"Party", func(r Row) string { return r.Party }},
		csvColumn{"Sender (normalised)", func(r Row) string { return r.Sender }},
		csvColumn{"Provisions", func(r Row) string { return strings.Join(r.Provisions, ", ") }},
		csvColumn{"Guidance points", func(r Row) string { return strings.Join(r.Guidance, ", ") }})
	add(coded("Priority", "priority", func(r Row) string { return r.Priority }, func(r Row) string { return PriorityLabel(r.Priority) })...)
	add(coded("Status", "status", func(r Row) string { return r.Status }, func(r Row) string { return StatusLabel(r.Status) })...)
	add(coded("Outcome", "outcome", func(r Row) string { return r.Outcome }, func(r Row) string { return OutcomeLabel(r.Outcome) })...)
	// The channels are joined by ";" as codes and by "; " as labels, as
	// the workbook joins them.
	add(coded("Channels reported", "channels_reported", func(r Row) string { return strings.Join(r.Channels, ";") }, func(r Row) string { return ChannelsLabel(r.Channels...) })...)
	add(coded("Referred to", "referred_to", func(r Row) string { return r.Referral }, func(r Row) string { return ReferralLabel(r.Referral) })...)
	if includeText {
		add(csvColumn{"Message and account (redacted)", func(r Row) string { return r.Text }})
	}
	return cols
}

// CSVHeader is the header row of the CSV export.
func CSVHeader(includeText bool) []string {
	cols := csvColumns(includeText)
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.name
	}
	return h
}

// WriteCSV writes the Complaints rows as CSV (RFC 4180, UTF-8 with a byte
// order mark so spreadsheet programs read accents correctly), every field
// neutralised with a visible apostrophe, as CSV has no other way. Times
// are ISO 8601 in UK time, and a day without a time is the bare date. Coded values keep their codes, each followed
// by a `*_label` column with the workbook's words.
func WriteCSV(out io.Writer, rows RowSource, includeText bool, progress func(int), every int) error {
	bw := bufio.NewWriterSize(out, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	cols := csvColumns(includeText)
	if err := w.Write(CSVHeader(includeText)); err != nil {
		return err
	}
	if every <= 0 {
		every = 10000
	}
	rec := make([]string, len(cols))
	n := 0
	err := rows(func(r Row) error {
		n++
		for i, c := range cols {
			rec[i] = spreadsheet.Neutralize(c.value(r))
		}
		if progress != nil && n%every == 0 {
			progress(n)
		}
		return w.Write(rec)
	})
	if err != nil {
		return err
	}
	if progress != nil {
		progress(n)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// csvReceived is the Received value of r: YYYY-MM-DD when only the day is
// known, so no reader mistakes the day's start for a reported midnight.
func csvReceived(r Row) string {
	if !r.ReceivedAtHasTime && !r.ReceivedAt.IsZero() {
		return r.ReceivedAt.In(vocab.London).Format(time.DateOnly)
	}
	return csvTime(r.ReceivedAt)
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vocab.London).Format("2006-01-02T15:04:05-07:00")
}
