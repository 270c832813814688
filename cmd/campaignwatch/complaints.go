package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/app"
)

const complaintsUsage = "complaints import FILE --source NAME [--skip-invalid] [--dry-run]"

func cmdComplaints(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, "Usage: campaignwatch "+complaintsUsage)
			return nil
		}
		return usagef("say '%s'", complaintsUsage)
	}
	fs := newFlags(e, "complaints import", complaintsUsage)
	source := fs.String("source", "", "where the file came from, e.g. phone-line (required; the same name makes re-imports idempotent)")
	skip := fs.Bool("skip-invalid", false, "import the valid rows even when some rows are invalid")
	dry := fs.Bool("dry-run", false, "check the file and report; store nothing")
	// Flags may come before or after FILE.
	var files []string
	rest := args[1:]
	for {
		if err := parse(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		return usagef("name one CSV or XLSX file: %s", complaintsUsage)
	}
	if *source == "" {
		return usagef("--source is required")
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		return fmt.Errorf("read %s: %w", files[0], err)
	}
	header, rows, err := complaints.ReadImportFile(filepath.Base(files[0]), data)
	if err != nil {
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
	rep, err := a.Complaints.Import(cliActor(ctx), header, rows, complaints.ImportOptions{Source: *source, SkipInvalid: *skip, DryRun: *dry})
	if err != nil {
		return err
	}
	for _, re := range rep.Errors {
		fmt.Fprintf(e.stdout, "row %d, column %s: %s\n", re.Row, re.Column, re.Message)
	}
	fmt.Fprintf(e.stdout, "%d rows read: %d imported, %d already imported, %d invalid.\n", rep.Rows, rep.Created, rep.Existing, rep.Invalid)
	switch {
	case *dry:
		fmt.Fprintln(e.stdout, "Dry run: nothing was stored.")
	case !rep.Stored && len(rep.Errors) > 0:
		return fmt.Errorf("nothing was imported because %d row(s) are invalid; fix them or pass --skip-invalid", max(rep.Invalid, 1))
	}
	return nil
}
