package audits

import (
	"fmt"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/pdfdoc"
	"github.com/campaignwatch/campaignwatch/internal/pdffont"
)

// newPDF starts an A4 follow-up or summary document titled title;
// unicode chooses the embedded font that writes Welsh (ŵ, ŷ).
func newPDF(title, author string, created time.Time, unicode bool) (*pdfdoc.Doc, error) {
	return pdfdoc.Start(pdfdoc.Layout{Title: title, Author: author, Created: created, Unicode: unicode, SideMargin: 18})
}

// fields lays out labelled values, one to a row: the label in bold,
// then its value.
func fields(d *pdfdoc.Doc, fs []Field) {
	for _, f := range fs {
		d.Maroto().AddRows(row.New().Add(d.Cell(4, f.Label, 9.5, true, false, nil), d.Cell(8, f.Value, 9.5, false, false, nil)))
	}
}

// statusChart draws t: the bars as an image on the left, the counts by
// priority and status beside it, each status written in its bar's
// colour, so the chart reads in any language and without the image.
func statusChart(d *pdfdoc.Doc, t StatusTable, lang string) error {
	img, err := t.PNG()
	if err != nil {
		return err
	}
	// The image, one bar per priority, with the priorities named to its
	// left.
	labels := col.New(2)
	for i, r := range t.Rows {
		labels.Add(text.New(d.Enc(fmt.Sprintf("%s (%d)", r.Priority, r.Total)), props.Text{Size: 9, Top: 1.5 + float64(i)*9, Align: align.Right, Right: 2}))
	}
	d.Maroto().AddRows(row.New(float64(len(t.Rows))*9+2).Add(labels, image.NewFromBytesCol(10, img, extension.Png, props.Rect{Left: 0, Top: 0, Percent: 100})))
	// The table beside (below, at this width) the bars: its header row
	// names each status in its colour.
	head := row.New().Add(d.Cell(2, wPriority.in(lang), 8, true, false, nil))
	for i, s := range t.Statuses {
		c := statusColours[i]
		head.Add(d.Cell(1+boolInt(i < 4), s, 8, true, true, &props.Color{Red: int(c.R), Green: int(c.G), Blue: int(c.B)}))
	}
	d.Maroto().AddRows(head)
	for _, r := range t.Rows {
		rw := row.New().Add(d.Cell(2, r.Priority, 9, false, false, nil))
		for i, n := range r.Counts {
			rw.Add(d.Cell(1+boolInt(i < 4), fmt.Sprint(n), 9, false, true, nil))
		}
		d.Maroto().AddRows(rw)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// PDF renders the report as an A4 PDF, in each of its languages (Welsh
// first).
func (r *FollowUpReport) PDF() ([]byte, error) {
	created := r.GeneratedAt
	if created.IsZero() {
		created = time.Now()
	}
	org := r.Org
	if org == nil {
		org = organisation.Defaults(nil)
	}
	var titles []string
	for _, l := range r.Languages {
		titles = append(titles, r.Title(l))
	}
	var all strings.Builder
	for _, rec := range r.Recommendations {
		all.WriteString(rec.Finding + rec.Action + rec.StatusNote + strings.Join(r.Audit.Auditors, ""))
		if rec.Response != nil {
			all.WriteString(rec.Response.Action)
		}
	}
	d, err := newPDF(strings.Join(titles, " / "), org.Name, created, r.Bilingual() || !pdffont.Fits(all.String()))
	if err != nil {
		return nil, err
	}
	for i, lang := range r.Languages {
		if i > 0 {
			d.Rule()
		}
		if err := r.pdfIn(d, lang, org, created); err != nil {
			return nil, err
		}
	}
	return d.Bytes()
}

func (r *FollowUpReport) pdfIn(d *pdfdoc.Doc, lang string, org *organisation.Settings, created time.Time) error {
	note := props.Text{Size: 9, Color: pdfdoc.Grey, Top: 1}
	follows := ""
	if lang == "cy" && len(r.Languages) > 1 {
		follows = wEnglishFollow.in(lang)
	}
	d.Masthead(org.NameIn(lang)+": "+org.UnitIn(lang), r.Title(lang), wProduced.f(lang, vocab.FormatDate(created.In(vocab.London), lang)), follows)
	d.Heading(wParticulars.in(lang))
	fields(d, r.Particulars(lang))
	if s := r.ConclusionSentence(lang); s != "" {
		d.Para(s, props.Text{Top: 2})
	}
	if s := r.ConclusionNote(lang); s != "" {
		d.Para(s, props.Text{Top: 1})
	}

	d.Heading(wChart.in(lang))
	d.Para(wChartNote.in(lang), note)
	if err := statusChart(d, r.StatusByPriority(lang), lang); err != nil {
		return err
	}

	d.Heading(wRecs.in(lang))
	d.Para(wRecsNote.in(lang), note)
	if n := wNotesInEN.in(lang); n != "" {
		d.Para(n, note)
	}
	groups := r.Groups(lang)
	if len(groups) == 0 {
		d.Para(wRecsNone.in(lang), props.Text{Top: 1})
	}
	for _, g := range groups {
		for _, pg := range g.Priorities {
			d.Subheading(g.Area + ": " + pg.Priority)
			for _, l := range pg.Recs {
				recLine(d, l, lang)
			}
		}
	}

	d.Heading(wOpen.in(lang))
	d.Para(wOpenNote.in(lang), note)
	if open := r.Remaining(lang); len(open) > 0 {
		var rows [][]string
		for _, l := range open {
			rows = append(rows, []string{l.Ref, l.Area, l.Priority, l.Target, l.Status})
		}
		d.Table([]int{1, 4, 2, 2, 3}, []bool{false, false, false, false, false},
			[]string{wRef.in(lang), wAreaCol.in(lang), wPriority.in(lang), wTarget.in(lang), wStatus.in(lang)}, rows, 9)
	} else {
		d.Para(wNothingOpen.in(lang), props.Text{Top: 1})
	}

	d.Heading(wProvisions.in(lang))
	if ps := r.Provisions(lang); len(ps) > 0 {
		var rows [][]string
		for _, p := range ps {
			rows = append(rows, []string{p.Citation, p.About, strings.Join(p.Refs, ", ")})
		}
		d.Table([]int{4, 5, 3}, []bool{false, false, false}, []string{wLaw.in(lang), wAboutCol.in(lang), wRecsCol.in(lang)}, rows, 9)
	} else {
		d.Para(wNone.in(lang), props.Text{Top: 1})
	}
	return nil
}

var (
	wAreaCol  = tr{"Area", "Maes"}
	wAboutCol = tr{"What it requires", "Beth mae'n ei ofyn"}
	wRecsCol  = tr{"Recommendations", "Argymhellion"}
)

// recLine writes one recommendation as a short block: reference and
// finding, the action, then its particulars.
func recLine(d *pdfdoc.Doc, l RecLine, lang string) {
	d.Para(l.Ref+"  "+l.Finding, props.Text{Size: 9.5, Style: fontstyle.Bold, Top: 2})
	d.Para(wAction.in(lang)+": "+l.Action, props.Text{Size: 9.5, Left: 4, Top: 0.5})
	d.Para(fmt.Sprintf("%s: %s.  %s: %s.  %s: %s.  %s: %s.", wPriority.in(lang), l.Priority, wTarget.in(lang), l.Target,
		wResponse.in(lang), l.Response, wStatus.in(lang), l.Status), props.Text{Size: 9, Left: 4, Top: 0.5, Color: pdfdoc.Grey})
	if len(l.Law) > 0 {
		d.Para(wLaw.in(lang)+": "+strings.Join(l.Law, "; ")+".", props.Text{Size: 9, Left: 4, Top: 0.5})
	}
	if len(l.Guidance) > 0 {
		d.Para(wGuidanceCol.in(lang)+": "+strings.Join(l.Guidance, "; ")+".", props.Text{Size: 9, Left: 4, Top: 0.5})
	}
	if l.Note != "" {
		d.Para(l.Note, props.Text{Size: 9, Left: 4, Top: 0.5, Color: pdfdoc.Grey})
	}
}
