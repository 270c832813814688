package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/reports"
)

func cmdExport(ctx context.Context, e *env, args []string) error {
	const usage = "export trends [--election ID | --from YYYY-MM-DD --to YYYY-MM-DD] [--party ID,..] [--channel sms,..] [--text] --format xlsx|csv --out FILE"
	if len(args) == 0 || args[0] != "trends" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, "Usage: campaignwatch "+usage)
			return nil
		}
		return usagef("say what to export: campaignwatch %s", usage)
	}
	fs := newFlags(e, "export", usage)
	election := fs.Int64("election", 0, "the election whose complaints to export")
	from := fs.String("from", "", "first day of the period (YYYY-MM-DD, UK time)")
	to := fs.String("to", "", "last day of the period, included")
	party := fs.String("party", "", "only these party ids (comma-separated)")
	channel := fs.String("channel", "", "only these channels (comma-separated: "+strings.Join(vocab.ChannelCodes(), ", ")+")")
	text := fs.Bool("text", false, "include the message and account, redacted")
	format := fs.String("format", "xlsx", "xlsx or csv")
	out := fs.String("out", "", "the file to write")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if err := reports.CheckFormat(*format); err != nil {
		return usagef("--format must be xlsx or csv")
	}
	f := reports.Filter{ElectionID: *election, Channels: reports.SplitList(*channel), IncludeText: *text}
	var err error
	if *from != "" {
		if f.From, err = vocab.ParseDay(*from); err != nil {
			return usagef("--from must be a date such as 2024-05-22")
		}
	}
	if *to != "" {
		if f.To, err = vocab.ParseDay(*to); err != nil {
			return usagef("--to must be a date such as 2024-07-04")
		}
	}
	if f.PartyIDs, err = reports.ParseIDs(*party); err != nil {
		return usagef("--party: %v", err)
	}
	if err := f.Validate(); err != nil {
		return err
	}

	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, false); err != nil {
		return err
	}
	if f.ElectionID != 0 {
		if _, err := a.Outreach.Election(ctx, f.ElectionID); err != nil {
			return err
		}
	}
	svc := a.Reports
	// Write beside the target and rename, so a failed export never leaves
	// a half-written file under the name asked for.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bar := newProgressBar(e.stderr, isTerminal(e.stdout) && isTerminal(e.stderr))
	start := time.Now()
	rows := 0
	err = svc.Write(ctx, f, *format, tmp, func(done, total int) { rows = total; bar.update(done, total) })
	bar.done()
	if err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err != nil {
		return err
	}
	if rows == 0 {
		// An empty workbook looks like a finding; say there is none.
		return fmt.Errorf("No complaints match what was asked for, so %s was not written", *out)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote %d complaints to %s in %s.\n", rows, *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a one-line bar on a terminal, at most ten times a
// second; off a terminal it draws nothing, so logs and pipes stay clean.
type progressBar struct {
	w    io.Writer
	on   bool
	last time.Time
}

func newProgressBar(w io.Writer, on bool) *progressBar { return &progressBar{w: w, on: on} }

func (p *progressBar) update(done, total int) {
	if !p.on || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	const width = 30
	frac := 1.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d rows", strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, done, total)
}

func (p *progressBar) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}

// cmdReport writes an election's follow-up report as a PDF: one party's
// (the one the follow-up letter attaches) or, without --party, every
// party side by side.
func cmdReport(ctx context.Context, e *env, args []string) error {
	const usage = "report follow-up --election ID [--party ID] --out FILE.pdf"
	if len(args) == 0 || args[0] != "follow-up" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, "Usage: campaignwatch "+usage)
			return nil
		}
		return usagef("say which report: campaignwatch %s", usage)
	}
	fs := newFlags(e, "report", usage)
	election := fs.Int64("election", 0, "the election")
	party := fs.Int64("party", 0, "one party's report; without it, every party side by side")
	out := fs.String("out", "", "the PDF file to write")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *election <= 0 {
		return usagef("--election is required")
	}
	if *out == "" {
		return usagef("--out is required")
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, false); err != nil {
		return err
	}
	store := a.ReportStore
	var pdf []byte
	var what string
	if *party > 0 {
		rep, err := store.PartyReport(ctx, *election, *party)
		if err != nil {
			return err
		}
		if pdf, err = rep.PDF(); err != nil {
			return err
		}
		what = fmt.Sprintf("%d complaints about %s", rep.Total(), rep.Party.Name)
	} else {
		rep, err := store.ElectionReport(ctx, *election)
		if err != nil {
			return err
		}
		if pdf, err = rep.PDF(); err != nil {
			return err
		}
		what = fmt.Sprintf("%d complaints about %d parties", rep.Total, len(rep.Rows))
	}
	if err := os.WriteFile(*out, pdf, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote the report on %s to %s.\n", what, *out)
	return nil
}
