package reports

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
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

// AllElections stands for the election in the file name of an export
// chosen by dates alone.
const AllElections = "all-elections"

// ExportFilename is the name an export of f in format is downloaded as:
// campaignwatch-<election>-<from>-<to>.<format>, the election's name as a
// slug (or AllElections) and the days the export covers, an election's
// being from its announcement to its follow-up day as in the workbook's
// Summary.
func (s *Store) ExportFilename(ctx context.Context, f Filter, format string) (string, error) {
	name, from, to := AllElections, f.From, f.To
	if f.ElectionID != 0 {
		err := s.Snapshot(ctx, func(tx pgx.Tx) error {
			e, err := s.Election(ctx, tx, f.ElectionID)
			if err != nil {
				return err
			}
			name, from, to = spreadsheet.Slug(e.Name, "election"), e.AnnouncedOn, e.FollowUpOn()
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return spreadsheet.Filename(format, name, from, to), nil
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
