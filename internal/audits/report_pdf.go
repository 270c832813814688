package audits

import (
	"fmt"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/pdffont"
)

var (
	pdfGrey  = &props.Color{Red: 80, Green: 90, Blue: 95}
	pdfBrand = &props.Color{Red: 11, Green: 61, Blue: 89}
)

// pdfDoc is a maroto document with paragraph and table helpers, laid
// out as the reports package's PDFs are: wrapped cells, a gap between
// columns, extra leading for the Unicode font.
type pdfDoc struct {
	m       core.Maroto
	enc     func(string) string
	leading float64
}

// newPDF starts an A4 document titled title; unicode chooses the
// embedded font that writes Welsh (ŵ, ŷ).
func newPDF(title, author string, created time.Time, unicode bool) (pdfDoc, error) {
	font, err := pdffont.Choose(unicode || !pdffont.Fits(title+author))
	if err != nil {
		return pdfDoc{}, err
	}
	b := config.NewBuilder().
		WithLeftMargin(18).WithRightMargin(18).WithTopMargin(15).WithBottomMargin(20).
		WithTitle(title, true).WithAuthor(author, true).WithCreator("campaignwatch", false).
		WithCreationDate(created).WithSequentialMode().
		WithDefaultFont(&props.Font{Family: font.Family, Size: 10}).
		WithPageNumber(props.PageNumber{Pattern: "{current} / {total}", Place: props.RightBottom, Size: 8, Color: pdfGrey, Family: font.Family})
	if len(font.Fonts) > 0 {
		b = b.WithCustomFonts(font.Fonts)
	}
	leading := 0.0
	if font.Family == pdffont.Unicode {
		leading = 1.2
	}
	return pdfDoc{m: maroto.New(b.Build()), enc: font.Text, leading: leading}, nil
}

func (d pdfDoc) para(s string, p props.Text) {
	p.VerticalPadding = max(p.VerticalPadding, d.leading)
	d.m.AddRows(text.NewAutoRow(d.enc(s), p))
}

func (d pdfDoc) heading(s string) {
	d.para(s, props.Text{Size: 12, Style: fontstyle.Bold, Top: 5, Bottom: 1, Color: pdfBrand})
}

func (d pdfDoc) subheading(s string) {
	d.para(s, props.Text{Size: 10.5, Style: fontstyle.Bold, Top: 3, Bottom: 0.5})
}

func (d pdfDoc) rule() { d.m.AddRows(line.NewAutoRow(props.Line{Thickness: 0.6, Color: pdfBrand})) }

func (d pdfDoc) cell(w int, s string, size float64, bold, right bool, colour *props.Color) core.Col {
	p := props.Text{Top: 1, Bottom: 1, Left: 1.5, Right: 1.5, Size: size, VerticalPadding: d.leading, Color: colour}
	if bold {
		p.Style = fontstyle.Bold
	}
	if right {
		p.Align = align.Right
	}
	return text.NewCol(w, d.enc(s), p)
}

// table adds a header row and rows; widths are grid columns (of 12);
// the columns flagged in right are numbers.
func (d pdfDoc) table(widths []int, right []bool, head []string, rows [][]string, size float64) {
	add := func(cells []string, bold bool) {
		r := row.New()
		for i, c := range cells {
			r.Add(d.cell(widths[i], c, size, bold, right[i], nil))
		}
		d.m.AddRows(r)
	}
	add(head, true)
	for _, c := range rows {
		add(c, false)
	}
}

func (d pdfDoc) fields(fs []Field) {
	for _, f := range fs {
		d.m.AddRows(row.New().Add(d.cell(4, f.Label, 9.5, true, false, nil), d.cell(8, f.Value, 9.5, false, false, nil)))
	}
}

func (d pdfDoc) bytes() ([]byte, error) {
	doc, err := d.m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

// statusChart draws t: the bars as an image on the left, the counts by
// priority and status beside it, each status written in its bar's
// colour, so the chart reads in any language and without the image.
func (d pdfDoc) statusChart(t StatusTable, lang string) error {
	img, err := t.PNG()
	if err != nil {
		return err
	}
	// The image, one bar per priority, with the priorities named to its
	// left.
	labels := col.New(2)
	for i, r := range t.Rows {
		labels.Add(text.New(d.enc(fmt.Sprintf("%s (%d)", r.Priority, r.Total)), props.Text{Size: 9, Top: 1.5 + float64(i)*9, Align: align.Right, Right: 2}))
	}
	d.m.AddRows(row.New(float64(len(t.Rows))*9+2).Add(labels, image.NewFromBytesCol(10, img, extension.Png, props.Rect{Left: 0, Top: 0, Percent: 100})))
	// The table beside (below, at this width) the bars: its header row
	// names each status in its colour.
	head := row.New().Add(d.cell(2, wPriority.in(lang), 8, true, false, nil))
	for i, s := range t.Statuses {
		c := statusColours[i]
		head.Add(d.cell(1+boolInt(i < 4), s, 8, true, true, &props.Color{Red: int(c.R), Green: int(c.G), Blue: int(c.B)}))
	}
	d.m.AddRows(head)
	for _, r := range t.Rows {
		rw := row.New().Add(d.cell(2, r.Priority, 9, false, false, nil))
		for i, n := range r.Counts {
			rw.Add(d.cell(1+boolInt(i < 4), fmt.Sprint(n), 9, false, true, nil))
		}
		d.m.AddRows(rw)
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
			d.rule()
		}
		if err := r.pdfIn(d, lang, org, created); err != nil {
			return nil, err
		}
	}
	return d.bytes()
}

func (r *FollowUpReport) pdfIn(d pdfDoc, lang string, org *organisation.Settings, created time.Time) error {
	note := props.Text{Size: 9, Color: pdfGrey, Top: 1}
	d.para(org.NameIn(lang)+": "+org.UnitIn(lang), props.Text{Size: 9, Color: pdfGrey})
	d.para(r.Title(lang), props.Text{Size: 16, Style: fontstyle.Bold, Top: 2, Bottom: 1, VerticalPadding: 1.5})
	d.para(wProduced.f(lang, vocab.FormatDate(created.In(vocab.London), lang)), props.Text{Size: 9, Color: pdfGrey, Bottom: 2})
	if lang == "cy" && len(r.Languages) > 1 {
		d.para(wEnglishFollow.in(lang), props.Text{Size: 9, Color: pdfGrey, Bottom: 2})
	}
	d.rule()
	d.heading(wParticulars.in(lang))
	d.fields(r.Particulars(lang))
	if s := r.ConclusionSentence(lang); s != "" {
		d.para(s, props.Text{Top: 2})
	}
	if s := r.ConclusionNote(lang); s != "" {
		d.para(s, props.Text{Top: 1})
	}

	d.heading(wChart.in(lang))
	d.para(wChartNote.in(lang), note)
	if err := d.statusChart(r.StatusByPriority(lang), lang); err != nil {
		return err
	}

	d.heading(wRecs.in(lang))
	d.para(wRecsNote.in(lang), note)
	if n := wNotesInEN.in(lang); n != "" {
		d.para(n, note)
	}
	groups := r.Groups(lang)
	if len(groups) == 0 {
		d.para(wRecsNone.in(lang), props.Text{Top: 1})
	}
	for _, g := range groups {
		for _, pg := range g.Priorities {
			d.subheading(g.Area + ": " + pg.Priority)
			for _, l := range pg.Recs {
				d.recLine(l, lang)
			}
		}
	}

	d.heading(wOpen.in(lang))
	d.para(wOpenNote.in(lang), note)
	if open := r.Remaining(lang); len(open) > 0 {
		var rows [][]string
		for _, l := range open {
			rows = append(rows, []string{l.Ref, l.Area, l.Priority, l.Target, l.Status})
		}
		d.table([]int{1, 4, 2, 2, 3}, []bool{false, false, false, false, false},
			[]string{wRef.in(lang), wAreaCol.in(lang), wPriority.in(lang), wTarget.in(lang), wStatus.in(lang)}, rows, 9)
	} else {
		d.para(wNothingOpen.in(lang), props.Text{Top: 1})
	}

	d.heading(wProvisions.in(lang))
	if ps := r.Provisions(lang); len(ps) > 0 {
		var rows [][]string
		for _, p := range ps {
			rows = append(rows, []string{p.Citation, p.About, strings.Join(p.Refs, ", ")})
		}
		d.table([]int{4, 5, 3}, []bool{false, false, false}, []string{wLaw.in(lang), wAboutCol.in(lang), wRecsCol.in(lang)}, rows, 9)
	} else {
		d.para(wNone.in(lang), props.Text{Top: 1})
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
func (d pdfDoc) recLine(l RecLine, lang string) {
	d.para(l.Ref+"  "+l.Finding, props.Text{Size: 9.5, Style: fontstyle.Bold, Top: 2})
	d.para(wAction.in(lang)+": "+l.Action, props.Text{Size: 9.5, Left: 4, Top: 0.5})
	d.para(fmt.Sprintf("%s: %s.  %s: %s.  %s: %s.  %s: %s.", wPriority.in(lang), l.Priority, wTarget.in(lang), l.Target,
		wResponse.in(lang), l.Response, wStatus.in(lang), l.Status), props.Text{Size: 9, Left: 4, Top: 0.5, Color: pdfGrey})
	if len(l.Law) > 0 {
		d.para(wLaw.in(lang)+": "+strings.Join(l.Law, "; ")+".", props.Text{Size: 9, Left: 4, Top: 0.5})
	}
	if len(l.Guidance) > 0 {
		d.para(wGuidanceCol.in(lang)+": "+strings.Join(l.Guidance, "; ")+".", props.Text{Size: 9, Left: 4, Top: 0.5})
	}
	if l.Note != "" {
		d.para(l.Note, props.Text{Size: 9, Left: 4, Top: 0.5, Color: pdfGrey})
	}
}
