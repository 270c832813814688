package reports

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// Formats an export can be written in.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// ContentType is the media type of format.
func ContentType(format string) string {
	if format == FormatCSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// CheckFormat refuses formats other than xlsx and csv.
func CheckFormat(format string) error {
	if format != FormatXLSX && format != FormatCSV {
		return apperr.Fields(apperr.FieldError{Field: "format", Message: "Choose xlsx or csv"})
	}
	return nil
}

// Write writes the trend export for f in format to out, reading every
// figure in one snapshot. progress, when set, receives the number of
// complaint rows written so far and the total.
func (s *Store) Write(ctx context.Context, f Filter, format string, out io.Writer, progress func(done, total int)) error {
	if err := CheckFormat(format); err != nil {
		return err
	}
	return s.Snapshot(ctx, func(tx pgx.Tx) error {
		// Streaming every complaint of an election into a workbook takes
		// longer than the pool's statement timeout allows a request; the
		// export job's time limit (or the request's deadline) bounds it.
		if err := database.LongWork(ctx, tx); err != nil {
			return err
		}
		total, err := s.CountRows(ctx, tx, f)
		if err != nil {
			return err
		}
		var prog func(int)
		if progress != nil {
			prog = func(n int) { progress(n, total) }
			progress(0, total)
		}
		rows := func(fn func(Row) error) error { return s.Rows(ctx, tx, f, fn) }
		if format == FormatCSV {
			return WriteCSV(out, rows, f.IncludeText, prog, 5000)
		}
		t, err := s.Trends(ctx, tx, f)
		if err != nil {
			return err
		}
		return WriteWorkbook(out, t, rows, WorkbookOptions{ExpectedRows: total, IncludeText: f.IncludeText, Progress: prog, ProgressEvery: 5000})
	})
}
