package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

const auditsUsage = `Usage:
  campaignwatch audits list [--programme N] [--party N] [--state S]  list audits
  campaignwatch audits import --audit N [--dry-run] FILE            import recommendations from CSV or XLSX
  campaignwatch audits overdue [--date YYYY-MM-DD]                  list overdue recommendations, urgent first`

func cmdAudits(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, auditsUsage)
		return usagef("say 'audits list', 'audits import' or 'audits overdue'")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, auditsUsage)
		return nil
	case "list":
		return cmdAuditsList(ctx, e, args[1:])
	case "import":
		return cmdAuditsImport(ctx, e, args[1:])
	case "overdue":
		return cmdAuditsOverdue(ctx, e, args[1:])
	}
	return usagef("unknown subcommand %q: say 'audits list', 'audits import' or 'audits overdue'", args[0])
}

// openAudits opens the app on a migrated database.
func openAudits(ctx context.Context, e *env) (*app.App, error) {
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return nil, err
	}
	if err := a.EnsureMigrated(ctx, false); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func cmdAuditsList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "audits list", "audits list [--programme N] [--party N] [--state S]")
	programme := fs.Int64("programme", 0, "only the audits of this programme (its id)")
	party := fs.Int64("party", 0, "only the audits of this party (its id)")
	state := fs.String("state", "", "only audits in this state: "+strings.Join(audits.States.Codes(), ", "))
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected %q: audits list takes only flags", fs.Arg(0))
	}
	if *state != "" && !audits.States.Has(*state) {
		return usagef("unknown state %q: use %s", *state, strings.Join(audits.States.Codes(), ", "))
	}
	a, err := openAudits(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.Audits.Audits(ctx, audits.AuditFilter{ProgrammeID: *programme, PartyID: *party, State: *state})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "No audits.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPARTY\tPROGRAMME\tTYPE\tYEAR\tSTATE\tASSURANCE\tRECOMMENDATIONS\tOPEN\tOVERDUE")
	for _, au := range list {
		assurance := "-"
		if au.Assurance != "" {
			assurance = audits.Assurance.Label(au.Assurance, "en")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%d\t%d\t%d\n", au.ID, au.PartyName, orDash(au.ProgrammeName),
			audits.Types.Label(au.Type, "en"), au.Year(), audits.States.Label(au.State, "en"), assurance,
			au.Recommendations, au.Open, au.Overdue)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func cmdAuditsImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "audits import", "audits import --audit N [--dry-run] FILE")
	auditID := fs.Int64("audit", 0, "the audit the recommendations belong to (its id; required)")
	dry := fs.Bool("dry-run", false, "check the file and report what would be added, without saving")
	// Accept the file before, between or after the flags: parsing stops
	// at the first argument that is not a flag, so take it and go on.
	var files []string
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) > 1 {
		return usagef("give exactly one FILE")
	}
	var file string
	if len(files) == 1 {
		file = files[0]
	}
	if *auditID <= 0 {
		return usagef("give the audit with --audit N (its id, as 'audits list' shows it)")
	}
	if file == "" {
		return usagef("give the FILE to import (CSV or XLSX, columns %s)", strings.Join(audits.ImportColumns, ", "))
	}
	data, err := readImportFile(file)
	if err != nil {
		return err
	}
	if err := spreadsheet.CheckKind(file, data); err != nil {
		return err
	}
	a, err := openAudits(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Audits.ImportRecommendations(cliActor(ctx), *auditID, data, *dry)
	if err != nil {
		return err
	}
	if n := len(res.Problems); n > 0 {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ROW\tCOLUMN\tPROBLEM")
		for _, p := range res.Problems {
			fmt.Fprintf(tw, "%d\t%s\t%s\n", p.Row, orDash(p.Column), p.Message)
		}
		tw.Flush()
		what := "so nothing was imported"
		if res.DryRun {
			what = "so nothing would be imported"
		}
		if n == 1 {
			return fmt.Errorf("The file has 1 problem, %s", what)
		}
		return fmt.Errorf("The file has %d problems, %s", n, what)
	}
	if res.DryRun {
		fmt.Fprintf(e.stdout, "Checked (dry run, nothing saved) %d rows: %d recommendations would be added to audit %d.\n", res.Rows, res.Added, *auditID)
		return nil
	}
	fmt.Fprintf(e.stdout, "Imported %d rows: %d recommendations added to audit %d.\n", res.Rows, res.Added, *auditID)
	return nil
}

func cmdAuditsOverdue(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "audits overdue", "audits overdue [--date YYYY-MM-DD]")
	date := fs.String("date", "", "the day to check (default today, UK time)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected %q: audits overdue takes only flags", fs.Arg(0))
	}
	day := vocab.Today()
	if *date != "" {
		d, err := vocab.ParseDay(*date)
		if err != nil {
			return usagef("--date %q is not a date: write it as YYYY-MM-DD", *date)
		}
		day = d
	}
	a, err := openAudits(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	items, err := a.Audits.Overdue(ctx, day)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		fmt.Fprintf(e.stdout, "No recommendation was overdue on %s.\n", vocab.FormatDate(day, "en"))
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PARTY\tAUDIT\tREF\tPRIORITY\tAREA\tTARGET DATE\tDAYS LATE\tLAST UPDATE")
	for _, it := range items {
		last := "none"
		if it.LastUpdate != nil {
			last = vocab.FormatDate(*it.LastUpdate, "en")
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\n", it.PartyName, it.AuditID, it.Rec.Ref(),
			audits.Priorities.Label(it.Rec.Priority, "en"), audits.Areas.Label(it.Rec.Area, "en"),
			vocab.FormatDate(it.Rec.TargetOn, "en"), it.DaysLate, last)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d overdue on %s.\n", len(items), vocab.FormatDate(day, "en"))
	return nil
}
