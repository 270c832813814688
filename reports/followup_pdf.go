package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/orientation"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/pdffont"
	"github.com/campaignwatch/campaignwatch/internal/plaintext"
)

// ReportIssuer is the organisation named at the top of staff PDFs (the
// election overview); a party's report names the regulator from the
// settings in force.
var ReportIssuer = "Data Protection Regulator: Political Campaigning Oversight"

// PDFFilename is the file name a party report is attached and downloaded
// as.
func (r *PartyReport) PDFFilename() string {
	return fmt.Sprintf("complaints-report-%s-%s.pdf", plaintext.Slug(r.Election.Name), plaintext.Slug(r.Party.Name))
}

var (
	pdfGrey  = &props.Color{Red: 80, Green: 90, Blue: 95}
	pdfBrand = &props.Color{Red: 11, Green: 61, Blue: 89}
)

// pdfDoc is a maroto document with the report's paragraph and table
// helpers. Tables wrap their cells (rows take the height of their tallest
// cell) and keep a gap between columns, so long labels and headers never
// run into each other (TestPDFLayout checks every page).
type pdfDoc struct {
	m core.Maroto
	// enc converts text for the document's font (see internal/pdffont).
	enc func(string) string
	// leading is the extra space between wrapped lines, in millimetres:
	// the embedded Unicode font's glyphs stand taller than Helvetica's,
	// so its lines need more room than maroto gives by default.
	leading float64
}

func (d pdfDoc) para(s string, p props.Text) {
	p.VerticalPadding = max(p.VerticalPadding, d.leading)
	d.m.AddRows(text.NewAutoRow(d.enc(s), p))
}

func (d pdfDoc) heading(s string) {
	d.para(s, props.Text{Size: 12, Style: fontstyle.Bold, Top: 5, Bottom: 1, Color: pdfBrand})
}

func (d pdfDoc) rule() { d.m.AddRows(line.NewAutoRow(props.Line{Thickness: 0.6, Color: pdfBrand})) }

// table adds a header row and rows; widths are grid columns (of 12), and
// the columns flagged in right are numbers, aligned right.
func (d pdfDoc) table(widths []int, right []bool, head []string, rows [][]string, size float64) {
	add := func(cells []string, bold bool) {
		r := row.New()
		for i, c := range cells {
			// A gap on both sides of every cell, so a number aligned
			// right never touches the text of the next column.
			p := props.Text{Top: 1, Bottom: 1, Left: 1.5, Right: 1.5, Size: size, VerticalPadding: d.leading}
			if bold {
				p.Style = fontstyle.Bold
			}
			if right[i] {
				p.Align = align.Right
			}
			r.Add(text.NewCol(widths[i], d.enc(c), p))
		}
		d.m.AddRows(r)
	}
	add(head, true)
	for _, c := range rows {
		add(c, false)
	}
}

func (d pdfDoc) counts(head [2]string, rows []Count, none string) {
	if len(rows) == 0 {
		d.para(none, props.Text{Top: 1})
		return
	}
	var cells [][]string
	for _, c := range rows {
		cells = append(cells, []string{c.Label, fmt.Sprint(c.Count)})
	}
	d.table([]int{9, 3}, []bool{false, true}, head[:], cells, 10)
}

// leadingFor is the line spacing a font needs beyond maroto's default.
func leadingFor(font pdffont.Choice) float64 {
	if font.Family == pdffont.Unicode {
		return 1.2
	}
	return 0
}

// refText writes a guidance document as its title and address, as the
// PDF cannot be clicked on paper.
func refText(ref *organisation.Reference, lang string) string {
	return ref.TitleIn(lang) + " (" + ref.URLIn(lang) + ")"
}

// PDF renders the report as an A4 PDF, in each of its languages (Welsh
// first).
func (r *PartyReport) PDF() ([]byte, error) {
	created := r.GeneratedAt
	if created.IsZero() {
		created = time.Now()
	}
	langs := r.Languages
	if len(langs) == 0 {
		langs = []string{"en"}
	}
	var titles []string
	for _, l := range langs {
		titles = append(titles, r.Title(l))
	}
	org := r.Org
	if org == nil {
		org = organisation.Defaults(nil)
	}
	// Welsh needs the embedded Unicode font (ŵ, ŷ); so may a party's or
	// the regulator's name.
	font, err := pdffont.Choose(slices.Contains(langs, "cy") || !pdffont.Fits(r.Party.Name+org.Name+org.AddressLine()))
	if err != nil {
		return nil, err
	}
	b := config.NewBuilder().
		WithLeftMargin(20).WithRightMargin(20).WithTopMargin(15).WithBottomMargin(20).
		WithTitle(strings.Join(titles, " / "), true).WithAuthor(org.Name, true).WithCreator("campaignwatch", false).
		WithCreationDate(created).WithSequentialMode().
		WithDefaultFont(&props.Font{Family: font.Family, Size: 10}).
		WithPageNumber(props.PageNumber{Pattern: "{current} / {total}", Place: props.RightBottom, Size: 8, Color: pdfGrey, Family: font.Family})
	if len(font.Fonts) > 0 {
		b = b.WithCustomFonts(font.Fonts)
	}
	d := pdfDoc{m: maroto.New(b.Build()), enc: font.Text, leading: leadingFor(font)}
	for i, lang := range langs {
		if i > 0 {
			d.rule()
		}
		r.pdfIn(d, lang, org, created)
	}
	doc, err := d.m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

func (r *PartyReport) pdfIn(d pdfDoc, lang string, org *organisation.Settings, created time.Time) {
	note := props.Text{Size: 9, Color: pdfGrey, Top: 1}
	d.para(org.NameIn(lang)+": "+org.UnitIn(lang), props.Text{Size: 9, Color: pdfGrey})
	d.para(r.Title(lang), props.Text{Size: 16, Style: fontstyle.Bold, Top: 2, Bottom: 1, VerticalPadding: 1.5})
	d.para(wPeriod.f(lang, vocab.FormatDate(r.From, lang), vocab.FormatDate(r.To, lang), vocab.FormatDate(r.Election.PollingDay, lang),
		vocab.FormatDate(created.In(vocab.London), lang)), props.Text{Size: 9, Color: pdfGrey, Bottom: 2})
	if lang == "cy" && len(r.Languages) > 1 {
		d.para(wEnglishFollows.in(lang), props.Text{Size: 9, Color: pdfGrey, Bottom: 2})
	}
	d.rule()
	d.para(wNoPersonal.in(lang), props.Text{Size: 9, Top: 2, Color: pdfGrey})

	d.heading(wSummary.in(lang))
	for _, s := range r.SummaryLines(lang) {
		d.para(s, props.Text{Top: 1})
	}
	d.heading(wByChannel.in(lang))
	d.para(wChannelNote.in(lang), note)
	d.counts([2]string{wChannel.in(lang), wComplaints.in(lang)}, r.ChannelLines(lang), wNone.in(lang))
	d.heading(wByWeek.in(lang))
	d.counts([2]string{wWeek.in(lang), wComplaints.in(lang)}, r.WeekLines(lang), wNone.in(lang))

	d.heading(wLaw.in(lang))
	d.para(wLawNote.in(lang), note)
	if ps := r.ProvisionLines(lang); len(ps) > 0 {
		var cells [][]string
		for _, p := range ps {
			cells = append(cells, []string{p.Citation, p.About, fmt.Sprint(p.Count)})
		}
		d.table([]int{5, 5, 2}, []bool{false, false, true}, []string{wProvision.in(lang), wAbout.in(lang), wComplaints.in(lang)}, cells, 9.5)
	} else {
		d.para(wNoneYet.in(lang), props.Text{Top: 1})
	}
	d.heading(wGuidance.in(lang))
	if gs := r.GuidanceLines(lang); len(gs) > 0 {
		var cells [][]string
		for _, g := range gs {
			s := g.Asks
			if g.Ref != nil {
				s += " " + wSeeRef.f(lang, refText(g.Ref, lang))
			}
			cells = append(cells, []string{s, fmt.Sprint(g.Count)})
		}
		d.table([]int{10, 2}, []bool{false, true}, []string{wGuidanceCol.in(lang), wComplaints.in(lang)}, cells, 9.5)
	} else {
		d.para(wNoneYet.in(lang), props.Text{Top: 1})
	}

	d.heading(wApart.in(lang))
	if ds := r.Apart(); len(ds) > 0 {
		for _, x := range ds {
			d.para(x.Sentence(lang), props.Text{Top: 1})
		}
	} else {
		d.para(wApartNone.in(lang), props.Text{Top: 1})
	}
	d.para(wApartHow.f(lang, DistinctMinCount, strconv.FormatFloat(DistinctRatio, 'f', -1, 64), DistinctMinPoints), note)

	d.heading(wSenders.in(lang))
	if len(r.Senders) == 0 {
		d.para(wNoSenders.in(lang), props.Text{Top: 1})
	} else {
		var rows []Count
		for _, s := range r.Senders {
			rows = append(rows, Count{Label: s.Sender, Count: s.Count})
		}
		d.counts([2]string{wSender.in(lang), wComplaints.in(lang)}, rows, wNone.in(lang))
	}

	d.heading(wExamples.in(lang))
	if len(r.Examples) == 0 {
		d.para(wNone.in(lang), props.Text{Top: 1})
	}
	labels := vocab.ChannelLabels(lang)
	for _, ex := range r.Examples {
		d.para(wExampleHead.f(lang, labels[ex.Channel], vocab.FormatDate(ex.ReceivedAt.In(vocab.London), lang)),
			props.Text{Size: 9, Style: fontstyle.Bold, Top: 2})
		for _, part := range strings.Split(ex.Text, "\n") {
			d.para(part, props.Text{Size: 9.5, Left: 4, Top: 0.5, Color: pdfGrey})
		}
	}

	if lines := r.AuditLines(lang); len(lines) > 0 {
		d.heading(wAuditHeading.in(lang))
		d.para(r.AuditSummary(lang), props.Text{Top: 1})
		d.para(wAuditNote.in(lang), note)
		var cells [][]string
		for _, l := range lines {
			n := strconv.Itoa(l.Complaints)
			if ch := l.ChannelText(); ch != "" {
				n += " (" + ch + ")"
			}
			cells = append(cells, []string{l.Ref + " (" + l.Priority + ")", l.Area, l.Action, n})
		}
		d.table([]int{2, 2, 5, 3}, []bool{false, false, false, false},
			[]string{wAuditRef.in(lang), wAuditArea.in(lang), wAuditAction.in(lang), wComplaints.in(lang)}, cells, 9)
		for _, l := range lines {
			for _, ex := range l.Examples {
				d.para(l.Ref+": "+wExampleHead.f(lang, labels[ex.Channel], vocab.FormatDate(ex.ReceivedAt.In(vocab.London), lang)),
					props.Text{Size: 9, Style: fontstyle.Bold, Top: 2})
				for _, part := range strings.Split(ex.Text, "\n") {
					d.para(part, props.Text{Size: 9.5, Left: 4, Top: 0.5, Color: pdfGrey})
				}
			}
		}
	}

	d.heading(wRequests.in(lang))
	for i, q := range r.Requests(lang) {
		s := strings.TrimSpace(q.Figure + " " + q.Do)
		if tail := q.lawSentence(lang, refText); tail != "" {
			s += " " + tail
		}
		d.para(fmt.Sprintf("%d.  %s", i+1, s), props.Text{Left: 4, Top: 1.5})
	}
	if n := r.FewerRequestsNote(lang); n != "" {
		d.para(n, note)
	}
	if !r.ReplyBy.IsZero() {
		d.para(wReplyBy.f(lang, vocab.FormatDate(r.ReplyBy, lang)), props.Text{Top: 3, Style: fontstyle.Bold})
	}
}

// Title is the overview's title.
func (r *ElectionReport) Title() string { return "Complaints by party: " + r.Election.Name }

// PDF renders the overview, every party side by side, as a landscape A4
// PDF (staff only).
func (r *ElectionReport) PDF() ([]byte, error) {
	names := r.Election.Name
	for _, p := range r.Rows {
		names += p.Party
	}
	font, err := pdffont.Choose(!pdffont.Fits(names))
	if err != nil {
		return nil, err
	}
	b := config.NewBuilder().
		WithOrientation(orientation.Horizontal).
		WithLeftMargin(15).WithRightMargin(15).WithTopMargin(15).WithBottomMargin(18).
		WithTitle(r.Title(), true).WithAuthor(ReportIssuer, true).WithCreator("campaignwatch", false).
		WithCreationDate(r.GeneratedAt).WithSequentialMode().
		WithDefaultFont(&props.Font{Family: font.Family, Size: 9}).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Size: 8, Color: pdfGrey, Family: font.Family})
	if len(font.Fonts) > 0 {
		b = b.WithCustomFonts(font.Fonts)
	}
	d := pdfDoc{m: maroto.New(b.Build()), enc: font.Text, leading: leadingFor(font)}
	d.para(ReportIssuer, props.Text{Size: 9, Color: pdfGrey})
	d.para(r.Title(), props.Text{Size: 15, Style: fontstyle.Bold, Top: 2, Bottom: 1})
	d.para(fmt.Sprintf("%d complaints received from %s to %s. Produced %s.", r.Total,
		r.From.Format("2 January 2006"), r.To.Format("2 January 2006"), r.GeneratedAt.In(vocab.London).Format("2 January 2006")),
		props.Text{Size: 9, Color: pdfGrey, Bottom: 3})
	d.rule()
	var rows [][]string
	for _, p := range r.Rows {
		var apart []string
		for _, x := range p.Apart {
			apart = append(apart, x.Short())
		}
		rows = append(rows, []string{p.Party, fmt.Sprint(p.Complaints), fmt.Sprint(p.OutOfScope), fmt.Sprint(p.Reported),
			fmt.Sprint(p.Untriaged), fmt.Sprint(p.Urgent), fmt.Sprint(p.High), fmt.Sprint(p.Closed), strings.Join(apart, "; ")})
	}
	d.table([]int{2, 1, 1, 1, 1, 1, 1, 1, 3}, []bool{false, true, true, true, true, true, true, true, false},
		[]string{"Party", "Complaints", "Out of scope", "In the party's report", "Not yet triaged", "Urgent", "High", "Closed", "Sets it apart (its share against all parties')"},
		rows, 8.5)
	doc, err := d.m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}
