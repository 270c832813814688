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

// WriteCSV writes the Complaints rows as CSV (RFC 4180, UTF-8 with a byte
// order mark so spreadsheet programs read accents correctly), every field
// neutralised. Times are ISO 8601 in UK time.
func WriteCSV(out io.Writer, rows RowSource, includeText bool, progress func(int), every int) error {
	bw := bufio.NewWriterSize(out, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	header := ComplaintHeader(includeText)
	if err := w.Write(header); err != nil {
		return err
	}
	if every <= 0 {
		every = 10000
	}
	rec := make([]string, len(header))
	n := 0
	err := rows(func(r Row) error {
		n++
		rec[0] = spreadsheet.Neutralize(r.Reference)
		rec[1] = csvTime(r.ReceivedAt)
		rec[2] = csvTime(r.SubmittedAt)
		rec[3] = spreadsheet.Neutralize(r.Channel)
		rec[4] = spreadsheet.Neutralize(r.Party)
		rec[5] = spreadsheet.Neutralize(r.Sender)
		rec[6] = spreadsheet.Neutralize(strings.Join(r.Provisions, ", "))
		rec[7] = spreadsheet.Neutralize(strings.Join(r.Guidance, ", "))
		rec[8] = spreadsheet.Neutralize(r.Priority)
		rec[9] = spreadsheet.Neutralize(r.Status)
		rec[10] = spreadsheet.Neutralize(r.Outcome)
		// Codes, for machines: the channels joined by ";", the referral id.
		rec[11] = spreadsheet.Neutralize(strings.Join(r.Channels, ";"))
		rec[12] = spreadsheet.Neutralize(r.Referral)
		if includeText {
			rec[13] = spreadsheet.Neutralize(r.Text)
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

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vocab.London).Format("2006-01-02T15:04:05-07:00")
}
