package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

const partyUsage = `Usage:
  campaignwatch party import FILE [--dry-run]   import parties and contacts from CSV or XLSX
  campaignwatch party export --out FILE         write the registry to an XLSX file
  campaignwatch party list [--nation N] [--all] list parties (active ones unless --all)`

func cmdParty(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, partyUsage)
		return usagef("say 'party import', 'party export' or 'party list'")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, partyUsage)
		return nil
	case "import":
		return cmdPartyImport(ctx, e, args[1:])
	case "export":
		return cmdPartyExport(ctx, e, args[1:])
	case "list":
		return cmdPartyList(ctx, e, args[1:])
	}
	return usagef("unknown subcommand %q: say 'party import', 'party export' or 'party list'", args[0])
}

// openParties opens the app on a migrated database and returns the store.
func openParties(ctx context.Context, e *env) (*app.App, *parties.Store, error) {
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return nil, nil, err
	}
	if err := a.EnsureMigrated(ctx, false); err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, a.Parties, nil
}

func cmdPartyImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "party import", "party import FILE [--dry-run]")
	dry := fs.Bool("dry-run", false, "check the file and report what would change, without saving")
	// Accept the file before or after the flags.
	var file string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		file, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usagef("give exactly one FILE")
	}
	if file == "" {
		return usagef("give the FILE to import (CSV or XLSX)")
	}
	data, err := readImportFile(file)
	if err != nil {
		return err
	}
	if err := spreadsheet.CheckKind(file, data); err != nil {
		return err
	}
	a, store, err := openParties(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := store.Import(cliActor(ctx), data, parties.ImportOptions{DryRun: *dry, Source: filepath.Base(file)})
	if ie, ok := parties.AsImportError(err); ok {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ROW\tCOLUMN\tPROBLEM")
		for _, p := range ie.Problems {
			fmt.Fprintf(tw, "%d\t%s\t%s\n", p.Row, p.Column, p.Message)
		}
		tw.Flush()
		if ie.More > 0 {
			fmt.Fprintf(e.stdout, "... and %d more problems.\n", ie.More)
		}
		if *dry {
			// An import stores the whole file or nothing.
			return fmt.Errorf("Dry run, nothing was saved: the file has %s (listed above), so an import would save none of its rows until they are fixed",
				rowCount(len(ie.Problems)+ie.More, "problem"))
		}
		return ie
	}
	if err != nil {
		return err
	}
	verb := "Imported"
	if res.DryRun {
		verb = "Checked (dry run, nothing saved)"
	}
	fmt.Fprintf(e.stdout, "%s %d rows: parties %d new, %d changed, %d unchanged; contacts %d new, %d changed, %d unchanged.\n",
		verb, res.Rows, res.PartiesCreated, res.PartiesUpdated, res.PartiesUnchanged,
		res.ContactsCreated, res.ContactsUpdated, res.ContactsUnchanged)
	return nil
}

// readImportFile reads at most the import limit, so a huge file is refused
// without being read whole.
func readImportFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", name, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, parties.MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	if len(data) > parties.MaxImportBytes {
		return nil, fmt.Errorf("%s is larger than the %d MB an import may be", name, parties.MaxImportBytes>>20)
	}
	return data, nil
}

func cmdPartyExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "party export", "party export --out FILE")
	out := fs.String("out", "", "the XLSX file to write (required; '-' for standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return usagef("give --out FILE")
	}
	a, store, err := openParties(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	var buf bytes.Buffer
	if err := store.Export(ctx, &buf); err != nil {
		return err
	}
	if *out == "-" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	// Write beside the target and rename, so a failed export never leaves
	// a half-written file under the name asked for.
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o640); err != nil {
		return fmt.Errorf("cannot write %s: %w", *out, errors.Unwrap(err))
	}
	if err := os.Rename(tmp, *out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write %s: %w", *out, err)
	}
	fmt.Fprintf(e.stderr, "Wrote %s.\n", *out)
	return nil
}

func cmdPartyList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "party list", "party list [--nation N] [--all]")
	nation := fs.String("nation", "", "only parties standing in this nation (england, scotland, wales, northern_ireland)")
	all := fs.Bool("all", false, "include inactive parties")
	if err := parse(fs, args); err != nil {
		return err
	}
	var f parties.Filter
	if *nation != "" {
		n, ok := parties.ParseNation(*nation)
		if !ok {
			return usagef("unknown nation %q: use england, scotland, wales or northern_ireland", *nation)
		}
		f.Nation = n
	}
	if !*all {
		t := true
		f.Active = &t
	}
	a, store, err := openParties(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	ps, err := store.List(ctx, f)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tREG NO\tNATIONS\tCONTACTS\tACTIVE")
	for _, p := range ps {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d/%d\t%s\n", p.ID, p.Name, p.RegistrationNumber,
			p.NationLabels(), p.ActiveContacts, p.ContactCount, map[bool]string{true: "yes", false: "no"}[p.Active])
	}
	return tw.Flush()
}
