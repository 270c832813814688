package audits

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

// Limits on an import of recommendations.
const (
	// MaxImportBytes is the largest file accepted.
	MaxImportBytes = 5 << 20
	// MaxImportRows is the most recommendations one file may add.
	MaxImportRows = 1000
	// maxProblems bounds the report: past this many, a file is best
	// fixed and checked again.
	maxProblems = 500
)

// The import columns a recommendation's fields come from.
const (
	colNumber     = "number"
	colArea       = "area"
	colPriority   = "priority"
	colFinding    = "finding"
	colAction     = "action"
	colTarget     = "target_date"
	colProvisions = "provisions"
	colGuidance   = "guidance"
	colFindingCY  = "finding_cy"
	colActionCY   = "action_cy"
)

var requiredImportColumns = []string{colArea, colPriority, colFinding, colAction, colTarget}

// importColumn is the column of each RecommendationInput field.
var importColumn = map[string]string{
	"number": colNumber, "area": colArea, "priority": colPriority, "finding": colFinding, "action": colAction,
	"target_on": colTarget, "provisions": colProvisions, "guidance": colGuidance, "finding_cy": colFindingCY, "action_cy": colActionCY,
}

// importRequired is what a row says when a required cell is empty.
var importRequired = map[string]string{
	"area": "Enter the area", "priority": "Enter the priority", "finding": "Enter the finding",
	"action": "Enter the recommended action", "target_on": "Enter the target date",
}

// importHeader normalises a header cell: case-insensitive, with spaces
// and hyphens counting as underscores.
func importHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "_", "-", "_").Replace(s)
	switch s {
	case "target_on", "target", "target_date_(yyyy_mm_dd)":
		return colTarget
	case "ref", "no", "no.":
		return colNumber
	}
	return s
}

// vocabCode reads a vocabulary cell given as a code or as its English or
// Welsh label, regardless of case.
func vocabCode(v Vocabulary, cell string) (string, bool) {
	c := strings.ToLower(strings.TrimSpace(cell))
	for _, t := range v {
		if c == t.Code || c == strings.ToLower(t.Label.EN) || c == strings.ToLower(t.Label.CY) {
			return t.Code, true
		}
	}
	return "", false
}

func labelList(v Vocabulary) string {
	out := make([]string, len(v))
	for i, t := range v {
		out[i] = t.Label.EN
	}
	return strings.Join(out, ", ")
}

// parseImportDate reads a date cell: an ISO date, a British day/month/year
// date, or a spreadsheet's date serial number (how an XLSX date cell
// reads).
func parseImportDate(cell string) (time.Time, bool) {
	cell = strings.TrimSpace(cell)
	for _, layout := range []string{time.DateOnly, "2/1/2006", "02/01/2006", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, cell); err == nil {
			return day(t), true
		}
	}
	if n, err := strconv.ParseFloat(cell, 64); err == nil && n >= 1 && n < 2958466 {
		if t, err := excelize.ExcelDateToTime(n, false); err == nil {
			return day(t), true
		}
	}
	return time.Time{}, false
}

func splitIDs(cell string) []string {
	return tidyList(strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == ',' }))
}

// importer gathers an import's problems.
type importer struct {
	problems []ImportProblem
	more     int
}

func (im *importer) problem(row int, column, format string, args ...any) {
	if len(im.problems) >= maxProblems {
		im.more++
		return
	}
	im.problems = append(im.problems, ImportProblem{Row: row, Column: column, Message: fmt.Sprintf(format, args...)})
}

// importRow is one data row read into a recommendation.
type importRow struct {
	num int
	in  RecommendationInput
}

// ImportRecommendations adds the recommendations of a CSV or XLSX file to
// an audit that is not closed, all or none. The header row names the
// columns (ImportColumns, in any order and case); area and priority take
// a code or its label; target_date a date (2025-03-31, 31/03/2025 or a
// date cell); provisions and guidance several ids separated by ";" or
// ","; an empty number takes the next free one. Every problem is listed,
// row by row with its column and a sentence, in Problems; then nothing is
// stored and Added is 0. A dry run checks and counts, and stores nothing.
// Each recommendation added is audited as audit_recommendation.import.
func (s *Service) ImportRecommendations(ctx context.Context, auditID int64, data []byte, dryRun bool) (*ImportResult, error) {
	res := &ImportResult{DryRun: dryRun, Problems: []ImportProblem{}}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	q := dbsqlc.New(tx)
	a, err := lockAudit(ctx, q, auditID)
	if err != nil {
		return nil, err
	}
	if err := editable(a); err != nil {
		return nil, err
	}

	im := &importer{}
	rows := im.read(data)
	res.Rows = len(rows)
	if len(rows) > 0 {
		existing, err := q.RecommendationNumbers(ctx, auditID)
		if err != nil {
			return nil, err
		}
		s.checkRows(im, a, rows, existing)
	}
	if len(im.problems) > 0 {
		if im.more > 0 {
			im.problem(0, "", "There are %d more problems; fix these and check the file again", im.more)
		}
		res.Problems = im.problems
		return res, nil
	}
	for i := range rows {
		if _, err := insertRec(ctx, tx, auditID, &rows[i].in, "audit_recommendation.import", map[string]any{"row": rows[i].num}); err != nil {
			if fes := apperr.FieldsOf(err); len(fes) > 0 {
				for _, fe := range fes {
					im.problem(rows[i].num, importColumn[fe.Field], "%s", fe.Message)
				}
				res.Problems = im.problems
				return res, nil
			}
			return nil, err
		}
		res.Added++
	}
	if dryRun {
		return res, nil
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// read reads the file and its header, and each row's cells into a
// recommendation, reporting what can be checked without the audit.
func (im *importer) read(data []byte) []importRow {
	t, err := spreadsheet.ReadTable(data, spreadsheet.Limits{MaxBytes: MaxImportBytes, MaxRows: MaxImportRows})
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			ae = apperr.New(apperr.Invalid, "The file cannot be read.")
		}
		im.problem(0, "", "%s", strings.TrimSuffix(ae.Message, "."))
		return nil
	}
	col := map[string]int{}
	for i, raw := range t.Header {
		name := importHeader(raw)
		switch {
		case name == "":
			for _, r := range t.Rows {
				if i < len(r.Cells) && strings.TrimSpace(r.Cells[i]) != "" {
					im.problem(1, fmt.Sprintf("column %d", i+1), "This column has no header; name it or delete it")
					break
				}
			}
		case !slices.Contains(ImportColumns, name):
			im.problem(1, strings.TrimSpace(raw), "Unknown column %q: the columns are %s", strings.TrimSpace(raw), strings.Join(ImportColumns, ", "))
		default:
			if _, dup := col[name]; dup {
				im.problem(1, name, "The column %s appears twice", name)
				continue
			}
			col[name] = i
		}
	}
	for _, c := range requiredImportColumns {
		if _, ok := col[c]; !ok {
			im.problem(1, c, "The file has no %s column", c)
		}
	}
	if len(im.problems) > 0 {
		return nil
	}
	if len(t.Rows) == 0 {
		im.problem(2, "", "The file has a header but no recommendations")
		return nil
	}
	var out []importRow
	for _, r := range t.Rows {
		cell := func(c string) string {
			i, ok := col[c]
			if !ok || i >= len(r.Cells) {
				return ""
			}
			return spreadsheet.Restore(strings.TrimSpace(r.Cells[i]))
		}
		row := importRow{num: r.Num, in: RecommendationInput{Finding: cell(colFinding), FindingCY: cell(colFindingCY),
			Action: cell(colAction), ActionCY: cell(colActionCY), Provisions: splitIDs(cell(colProvisions)), Guidance: splitIDs(cell(colGuidance))}}
		if v := cell(colNumber); v != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(v), "R"))
			if err != nil || n < 1 {
				im.problem(r.Num, colNumber, "Enter the number as a whole number of 1 or more, like 7, or leave it empty to number the row in turn")
				n = -1
			}
			row.in.Number = n
		}
		if v := cell(colArea); v != "" {
			if code, ok := vocabCode(Areas, v); ok {
				row.in.Area = code
			} else {
				im.problem(r.Num, colArea, "%q is not an area; use one of: %s", v, labelList(Areas))
				row.in.Area = "?"
			}
		}
		if v := cell(colPriority); v != "" {
			if code, ok := vocabCode(Priorities, v); ok {
				row.in.Priority = code
			} else {
				im.problem(r.Num, colPriority, "%q is not a priority; use one of: %s", v, labelList(Priorities))
				row.in.Priority = "?"
			}
		}
		if v := cell(colTarget); v != "" {
			if d, ok := parseImportDate(v); ok {
				row.in.TargetOn = d
			} else {
				im.problem(r.Num, colTarget, "%q is not a date; enter the target date like 2025-03-31 or 31/03/2025", v)
				row.in.TargetOn = time.Time{}
			}
		}
		out = append(out, row)
	}
	return out
}

// checkRows checks each row against the audit and the known ids, and
// numbers the rows without a number after the highest in the audit or
// the file.
func (s *Service) checkRows(im *importer, a *Audit, rows []importRow, existing []int32) {
	taken := map[int]int{} // number: row (0 for the audit's own)
	highest := 0
	for _, n := range existing {
		taken[int(n)] = 0
		highest = max(highest, int(n))
	}
	for _, r := range rows {
		highest = max(highest, r.in.Number)
	}
	already := func(row int, column string) bool {
		for _, p := range im.problems {
			if p.Row == row && p.Column == column {
				return true
			}
		}
		return false
	}
	for i := range rows {
		r := &rows[i]
		badDate := r.in.TargetOn.IsZero() && already(r.num, colTarget)
		for _, fe := range s.checkRec(&r.in, a) {
			column := importColumn[fe.Field]
			if already(r.num, column) || (fe.Field == "target_on" && badDate) {
				continue
			}
			msg := fe.Message
			if fe.Code == "required" && importRequired[fe.Field] != "" {
				msg = importRequired[fe.Field]
			}
			im.problem(r.num, column, "%s", msg)
		}
		switch n := r.in.Number; {
		case n < 0:
		case n == 0:
			highest++
			r.in.Number = highest
			taken[highest] = r.num
		default:
			if row, dup := taken[n]; dup {
				if row == 0 {
					im.problem(r.num, colNumber, "R%d already exists in this audit; choose another number or leave it empty", n)
				} else {
					im.problem(r.num, colNumber, "R%d is also on row %d; give each recommendation its own number", n, row)
				}
				continue
			}
			taken[n] = r.num
		}
	}
	slices.SortStableFunc(im.problems, func(x, y ImportProblem) int {
		if x.Row != y.Row {
			return x.Row - y.Row
		}
		return slices.Index(ImportColumns, x.Column) - slices.Index(ImportColumns, y.Column)
	})
}
