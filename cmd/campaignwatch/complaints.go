package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
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
		return fmt.Errorf("cannot read %s: %w", files[0], errors.Unwrap(err))
	}
	if err := spreadsheet.CheckKind(files[0], data); err != nil {
		return err
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
		fmt.Fprintf(e.stdout, "Row %d, column %s: %s\n", re.Row, re.Column, asSentence(re.Message))
	}
	invalid := max(rep.Invalid, min(len(rep.Errors), 1))
	if *dry {
		valid := max(rep.Rows-rep.Invalid-rep.Existing, 0)
		fmt.Fprintf(e.stdout, "Dry run, nothing was stored: %s would be imported, %s already imported, %s invalid.\n",
			rowCount(valid, "valid row"), rowCount(rep.Existing, "row"), rowCount(invalid, "row"))
		if invalid > 0 {
			if *skip {
				return fmt.Errorf("%s would be skipped; fix them to import every row", rowCount(invalid, "invalid row"))
			}
			return fmt.Errorf("%s would stop the import; fix them or pass --skip-invalid", rowCount(invalid, "invalid row"))
		}
		return nil
	}
	fmt.Fprintf(e.stdout, "%d rows read: %d imported, %d already imported, %d invalid.\n", rep.Rows, rep.Created, rep.Existing, rep.Invalid)
	if !rep.Stored && invalid > 0 {
		return fmt.Errorf("nothing was imported because %s invalid; fix them or pass --skip-invalid", isAre(invalid))
	}
	return nil
}

// rowCount is n with noun, made plural when n is not 1.
func rowCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// isAre is "1 row is" or "n rows are".
func isAre(n int) string {
	if n == 1 {
		return "1 row is"
	}
	return fmt.Sprintf("%d rows are", n)
}
