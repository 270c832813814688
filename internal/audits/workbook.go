package audits

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/spreadsheet"
)

// Sheet names of the programme workbook, in order.
const (
	SheetAudits          = "Audits"
	SheetRecommendations = "Recommendations"
	SheetProgress        = "Progress"
	SheetChart           = "Status by priority"
)

// Headers of the workbook's data sheets.
var (
	AuditsHeader = []string{"Party", "Type", "State", "Assessment notice", "Fieldwork from", "Fieldwork to", "Report", "Follow-up review",
		"Scope", "Auditors", "Assurance", "Conclusion", "Recommendations", "Open", "Good practice"}
	RecommendationsHeader = []string{"Party", "Ref", "Area", "Priority", "Finding", "Action", "Target date", "Law", "Response",
		"Party's action", "Owner", "Due", "Status at follow-up", "Review note"}
	ProgressHeader = []string{"Party", "Ref", "Noted on", "Note", "Evidence files"}
)

// Workbook builds the programme's workbook (Audits, Recommendations and
// Progress sheets and a chart), by the trend workbook's rules: labels,
// never codes; every text neutralised against formulas; a styled, frozen
// header with a filter; dates as real dates.
func (s *Service) Workbook(ctx context.Context, programmeID int64) ([]byte, error) {
	var sum *Summary
	var progress []dbsqlc.OutputProgressRow
	// The sheets come from one snapshot: a progress update added while
	// the workbook is built must not appear without its recommendation's
	// status.
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		if sum, err = s.summary(ctx, tx, programmeID); err != nil {
			return err
		}
		progress, err = dbsqlc.New(tx).OutputProgress(ctx, &programmeID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return writeWorkbook(sum, progress)
}

func writeWorkbook(sum *Summary, progress []dbsqlc.OutputProgressRow) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := spreadsheet.AddStyles(f)
	if err != nil {
		return nil, err
	}
	sheet := func(name string, head []string) (*spreadsheet.Sheet, error) {
		if name == SheetAudits {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		w := &spreadsheet.Sheet{File: f, Name: name, Styles: st}
		w.Header(1, head...)
		w.Row = 1
		return w, nil
	}
	const lang = "en"
	party := map[int64]string{}

	aw, err := sheet(SheetAudits, AuditsHeader)
	if err != nil {
		return nil, err
	}
	for _, a := range sum.Audits {
		party[a.ID] = a.PartyName
		var scope []string
		for _, c := range a.Scope {
			scope = append(scope, Scopes.Label(c, lang))
		}
		aw.Add(a.PartyName, Types.Label(a.Type, lang), States.Label(a.State, lang), a.NoticeOn, a.FieldworkFrom, a.FieldworkTo,
			a.ReportOn, a.FollowUpOn, strings.Join(scope, "; "), strings.Join(a.Auditors, ", "), Assurance.Label(a.Assurance, lang),
			Conclusions.Label(a.Conclusion, lang), a.Recommendations, a.Open, a.GoodPractice)
	}
	aw.Table(1, len(AuditsHeader), aw.Row, 28, 30, 16, 14, 14, 14, 14, 14, 40, 30, 14, 36, 10, 10, 50)
	if aw.Err() != nil {
		return nil, aw.Err()
	}

	rw, err := sheet(SheetRecommendations, RecommendationsHeader)
	if err != nil {
		return nil, err
	}
	for _, a := range sum.Audits {
		for _, r := range sum.Recommendations[a.ID] {
			var law []string
			for _, p := range r.Provisions {
				law = append(law, sum.cites.of(p, lang))
			}
			resp, act, owner := wNoResponse.in(lang), "", ""
			var due *time.Time
			if r.Response != nil {
				resp, act, owner, due = Responses.Label(r.Response.Answer, lang), r.Response.Action, r.Response.Owner, r.Response.DueOn
			}
			status := NotReviewed.Label.In(lang)
			if r.Status != "" {
				status = Statuses.Label(r.Status, lang)
			}
			rw.Add(a.PartyName, r.Ref(), Areas.Label(r.Area, lang), Priorities.Label(r.Priority, lang), r.Finding, r.Action, r.TargetOn,
				strings.Join(law, "; "), resp, act, owner, due, status, r.StatusNote)
		}
	}
	rw.Table(1, len(RecommendationsHeader), rw.Row, 28, 7, 22, 10, 50, 50, 12, 40, 14, 40, 20, 12, 20, 40)
	if rw.Err() != nil {
		return nil, rw.Err()
	}

	pw, err := sheet(SheetProgress, ProgressHeader)
	if err != nil {
		return nil, err
	}
	for _, p := range progress {
		pw.Add(p.PartyName, fmt.Sprintf("R%d", p.Number), p.NotedOn, p.Note, int(p.Evidence))
	}
	pw.Table(1, len(ProgressHeader), pw.Row, 28, 7, 12, 70, 12)
	if pw.Err() != nil {
		return nil, pw.Err()
	}

	// The chart's sheet: the counts by priority and status, and the
	// stacked bar chart drawn from them.
	t := sum.ProgressByPriority(lang)
	cw, err := sheet(SheetChart, append([]string{"Priority"}, append(t.Statuses, "Total")...))
	if err != nil {
		return nil, err
	}
	for _, r := range t.Rows {
		vals := []any{r.Priority}
		for _, n := range r.Counts {
			vals = append(vals, n)
		}
		cw.Add(append(vals, r.Total)...)
	}
	cw.Table(1, len(t.Statuses)+2, cw.Row, 14, 14, 14, 14, 14, 14, 14, 10)
	if cw.Err() != nil {
		return nil, cw.Err()
	}
	var series []excelize.ChartSeries
	for j := range t.Statuses {
		c, _ := excelize.ColumnNumberToName(j + 2)
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$%s$1", SheetChart, c),
			Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", SheetChart, len(t.Rows)+1),
			Values:     fmt.Sprintf("'%s'!$%s$2:$%s$%d", SheetChart, c, c, len(t.Rows)+1),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.TrimPrefix(StatusColour(j), "#")}},
		})
	}
	if err := f.AddChart(SheetChart, "A8", &excelize.Chart{
		Type: excelize.BarStacked, Series: series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Recommendations by priority and status at follow-up"}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 880, Height: 360},
		XAxis:     excelize.ChartAxis{ReverseOrder: true},
		YAxis:     excelize.ChartAxis{MajorGridLines: true},
	}); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
