package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/demo"
)

// cmdTriage reads complaints as JSON lines on stdin and writes one triage
// result per line on stdout, using the rulebook in force (RULEBOOK or the
// embedded default) and, when the database is reachable, its elections,
// parties and recent complaint counts. It stores nothing. A line that is
// not a valid complaint gives an error line naming it; the rest go on.
func cmdTriage(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "score" {
		return triageScore(e, args[1:])
	}
	fs := newFlags(e, "triage", "triage [--no-db] < complaints.jsonl > results.jsonl\n       campaignwatch triage --rerun [--since YYYY-MM-DD]\n       campaignwatch triage score [--parties] labelled.jsonl")
	noDB := fs.Bool("no-db", false, "do not read elections, parties and counts from the database")
	rerun := fs.Bool("rerun", false, "re-triage stored complaints with the rulebook in force, keeping earlier results")
	since := fs.String("since", "", "with --rerun: only complaints received on or after this date (YYYY-MM-DD)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *rerun {
		return triageRerun(ctx, e, *since)
	}
	if *since != "" {
		return usagef("--since goes with --rerun")
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q; complaints are read from standard input", fs.Arg(0))
	}
	// The rulebook is checked before, and without, the configuration:
	// --no-db needs nothing else.
	_, engine, err := app.LoadRulebook(e.getenv)
	if err != nil {
		return err
	}
	var tctx *triage.Context
	if !*noDB {
		// The same-sender counter queries the database per complaint, so
		// the app stays open until every line is triaged.
		a, err := openApp(ctx, e, app.Options{})
		if err == nil {
			defer a.Close()
			tctx, err = a.TriageSource.Context(ctx)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "campaignwatch triage: continuing without elections, parties or counts: %s\n", sentence(err))
		}
	}
	n, bad, err := engine.Run(e.stdin, e.stdout, tctx, false)
	if err != nil {
		return err
	}
	if bad > 0 {
		fmt.Fprintf(e.stderr, "campaignwatch triage: triaged %d complaint(s); %d line(s) could not be read (see the error lines).\n", n, bad)
	}
	return nil
}

// triageRerun re-triages stored complaints after a rulebook change. Results
// from the same rulebook are not stored twice, so it is safe to repeat.
func triageRerun(ctx context.Context, e *env, since string) error {
	var from time.Time
	if since != "" {
		d, err := time.ParseInLocation("2006-01-02", since, time.UTC)
		if err != nil {
			return usagef("--since %q is not a date like 2024-05-30", since)
		}
		from = d
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.EnsureMigrated(ctx, false); err != nil {
		return err
	}
	sum, err := a.Pipeline.Rerun(ctx, from)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Re-triaged with rulebook %s: %d complaint(s) checked, %d new result(s) stored.\n", a.Rulebook.Version, sum.Checked, sum.Stored)
	return nil
}

// triageScore judges the rulebook in force against a labelled cases file
// (see complaints/triage.LabelledCase): it prints the four figures the
// policy sets targets for, referral accuracy and channel recall, then every
// case triaged wrongly with its rationale. It exits 0 when every target is
// met, 1 when one is missed, and 2 when the file cannot be read. It needs no
// database: cases carry their own elections and counts.
func triageScore(e *env, args []string) error {
	fs := newFlags(e, "triage score", "triage score [--parties] FILE.jsonl")
	parties := fs.Bool("parties", false, "match party names against the demo party registry")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("give one labelled cases file (JSON lines)")
	}
	_, engine, err := app.LoadRulebook(e.getenv)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return usagef("cannot open %s: %v", fs.Arg(0), err)
	}
	defer f.Close()
	cases, err := triage.ReadCases(f)
	if err != nil {
		return usagef("%s: %v", fs.Arg(0), err)
	}
	var base *triage.Context
	if *parties {
		base = &triage.Context{}
		for _, p := range demo.Parties {
			base.Parties = append(base.Parties, triage.Party{Name: p.Name, ShortName: p.ShortName, Aliases: p.Aliases, Nations: p.Nations})
		}
	}
	card := engine.Score(cases, base)
	if err := card.WriteReport(e.stdout); err != nil {
		return err
	}
	if !card.Met() {
		return errors.New("a target is missed (see the figures above)")
	}
	return nil
}
