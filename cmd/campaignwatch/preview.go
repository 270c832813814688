package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// printPreview prints what an election call or letters to parties would
// do: the people written to and in which language, the template
// versions, the warnings, and the sample letter's text.
func printPreview(w io.Writer, pv *outreach.Preview) {
	if el := pv.Election; el != nil {
		fmt.Fprintf(w, "Election: %s (%s), %s; polling day %s.\n", el.Name, pv.ElectionType, strings.Join(pv.Nations, ", "),
			el.PollingDay.Format("Monday 2 January 2006"))
	}
	if pv.RecordOnly {
		fmt.Fprintln(w, "Record only: the election is recorded and no letter is written.")
	} else {
		var vs []string
		for _, v := range pv.Versions {
			vs = append(vs, fmt.Sprintf("%s version %d", v.Language, v.Version))
		}
		fmt.Fprintf(w, "Letters: %d, %s (%s). %s\n\n", pv.Letters, vocab.LetterTemplateLabel(pv.Template), strings.Join(vs, "; "), pv.Delivery)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "PARTY\tCONTACT\tEMAIL\tLANGUAGE")
		for _, p := range pv.Parties {
			for _, c := range p.Contacts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Party, c.Name, c.Email, c.Language)
			}
		}
		tw.Flush()
		// What the service adds to one party's letters alone: its own
		// open audit recommendations, in the election reminder.
		for _, p := range pv.Parties {
			if v := p.Fields[outreach.OpenRecommendationsField]; v != "" {
				fmt.Fprintf(w, "\nThe letters to %s also list its open audit recommendations:\n%s\n", p.Party, v)
			}
		}
		for _, p := range pv.NoContact {
			fmt.Fprintf(w, "No letter for %s: it has no active contact.\n", p)
		}
	}
	for _, warn := range pv.Warnings {
		fmt.Fprintf(w, "Warning: %s\n", warn)
	}
	if s := pv.Sample; s != nil {
		fmt.Fprintf(w, "\nSample letter, to %s (%s), in %s:\nSubject: %s\n\n%s\n", s.Recipient, s.Party, s.Language, s.Subject, strings.TrimSpace(s.Text))
	}
	fmt.Fprintln(w)
}

// confirmPreview shows the preview and decides whether to go ahead: not
// with --dry-run; at once with --yes; otherwise only when a person at a
// terminal answers yes. A script that passes neither is refused, so
// nothing is sent unseen.
func confirmPreview(e *env, pv *outreach.Preview, asJSON, dryRun, yes bool) (bool, error) {
	if asJSON && dryRun {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return false, enc.Encode(pv)
	}
	out := e.stdout
	if asJSON {
		// The result is the JSON on stdout; the preview goes to stderr.
		out = e.stderr
	}
	printPreview(out, pv)
	if dryRun {
		fmt.Fprintln(out, "Dry run: nothing was sent.")
		return false, nil
	}
	if yes {
		return true, nil
	}
	question := fmt.Sprintf("Send %d letters?", pv.Letters)
	switch {
	case pv.RecordOnly:
		question = "Record the election?"
	case pv.Letters == 1:
		question = "Send 1 letter?"
	}
	if !isTerminalReader(e.stdin) {
		return false, usagef("nothing was sent: standard input is not a terminal, so no one can answer %q; check the preview and pass --yes to go ahead", question)
	}
	fmt.Fprintf(e.stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return false, fmt.Errorf("nothing was sent: you did not answer yes")
	}
	return true, nil
}

// isTerminalReader reports whether r is a terminal a person can answer
// at.
func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
