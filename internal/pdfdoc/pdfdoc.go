// Package pdfdoc lays out the regulator's A4 PDFs (the party reports,
// the audit follow-up reports and the audit programme summary) with
// maroto: one house style for paragraphs, headings, rules and tables, so
// every document reads alike and every table keeps the spacing the
// layout tests check (wrapped cells, a gap between columns, extra
// leading for the embedded Unicode font).
package pdfdoc

import (
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

	"github.com/campaignwatch/campaignwatch/internal/pdffont"
)

var (
	// Grey is the colour of notes, the issuer line and page numbers.
	Grey = &props.Color{Red: 80, Green: 90, Blue: 95}
	// Brand is the colour of headings and rules.
	Brand = &props.Color{Red: 11, Green: 61, Blue: 89}
)

// Layout describes a document to Start. Zero margins, font size and page
// number pattern take the portrait report's values.
type Layout struct {
	Title   string
	Author  string
	Created time.Time
	// Unicode asks for the embedded font that writes Welsh (ŵ, ŷ); Start
	// also chooses it when the title or author needs it.
	Unicode bool
	// Landscape turns the page for wide tables.
	Landscape bool
	// SideMargin is the left and right margin in millimetres (20).
	SideMargin float64
	// TopMargin (15) and BottomMargin (20) are in millimetres.
	TopMargin    float64
	BottomMargin float64
	// FontSize is the body text's size in points (10).
	FontSize float64
	// PageNumbers is the footer's pattern ("{current} / {total}"), which
	// reads the same in English and Welsh.
	PageNumbers string
}

// Doc is a maroto document with the house paragraph, heading and table
// helpers.
type Doc struct {
	m core.Maroto
	// enc converts text for the document's font (see internal/pdffont).
	enc func(string) string
	// leading is the extra space between wrapped lines, in millimetres:
	// the embedded Unicode font's glyphs stand taller than Helvetica's,
	// so its lines need more room than maroto gives by default.
	leading float64
}

// Start begins an A4 document as l describes. It is not named New: it
// makes a value, not a service, and the composition rule reserves New
// for services.
func Start(l Layout) (*Doc, error) {
	font, err := pdffont.Choose(l.Unicode || !pdffont.Fits(l.Title+l.Author))
	if err != nil {
		return nil, err
	}
	side, top, bottom, size, pages := or(l.SideMargin, 20), or(l.TopMargin, 15), or(l.BottomMargin, 20), or(l.FontSize, 10), l.PageNumbers
	if pages == "" {
		pages = "{current} / {total}"
	}
	b := config.NewBuilder()
	if l.Landscape {
		b = b.WithOrientation(orientation.Horizontal)
	}
	b = b.WithLeftMargin(side).WithRightMargin(side).WithTopMargin(top).WithBottomMargin(bottom).
		WithTitle(l.Title, true).WithAuthor(l.Author, true).WithCreator("campaignwatch", false).
		WithCreationDate(l.Created).WithSequentialMode().
		WithDefaultFont(&props.Font{Family: font.Family, Size: size}).
		WithPageNumber(props.PageNumber{Pattern: pages, Place: props.RightBottom, Size: 8, Color: Grey, Family: font.Family})
	if len(font.Fonts) > 0 {
		b = b.WithCustomFonts(font.Fonts)
	}
	return &Doc{m: maroto.New(b.Build()), enc: font.Text, leading: leadingFor(font)}, nil
}

func or(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// leadingFor is the line spacing a font needs beyond maroto's default.
func leadingFor(font pdffont.Choice) float64 {
	if font.Family == pdffont.Unicode {
		return 1.2
	}
	return 0
}

// Maroto is the underlying document, for what the helpers do not draw
// (a chart's image and its labels).
func (d *Doc) Maroto() core.Maroto { return d.m }

// Enc converts s for the document's font; text added through Maroto must
// pass through it.
func (d *Doc) Enc(s string) string { return d.enc(s) }

// Para adds s as a paragraph that wraps to the page, with at least the
// font's leading between its lines.
func (d *Doc) Para(s string, p props.Text) {
	p.VerticalPadding = max(p.VerticalPadding, d.leading)
	d.m.AddRows(text.NewAutoRow(d.enc(s), p))
}

// Masthead opens a document or one language's version of it: the
// issuer in small grey type, the title, each non-empty note (the period
// covered, when it was produced, that another language follows) and a
// rule under them.
func (d *Doc) Masthead(issuer, title string, notes ...string) {
	d.Para(issuer, props.Text{Size: 9, Color: Grey})
	d.Para(title, props.Text{Size: 16, Style: fontstyle.Bold, Top: 2, Bottom: 1, VerticalPadding: 1.5})
	for _, n := range notes {
		if n != "" {
			d.Para(n, props.Text{Size: 9, Color: Grey, Bottom: 2})
		}
	}
	d.Rule()
}

// Heading adds a section heading.
func (d *Doc) Heading(s string) {
	d.Para(s, props.Text{Size: 12, Style: fontstyle.Bold, Top: 5, Bottom: 1, Color: Brand})
}

// Subheading adds a heading within a section.
func (d *Doc) Subheading(s string) {
	d.Para(s, props.Text{Size: 10.5, Style: fontstyle.Bold, Top: 3, Bottom: 0.5})
}

// Rule adds a line across the page, between a document's head and body
// or between its languages.
func (d *Doc) Rule() { d.m.AddRows(line.NewAutoRow(props.Line{Thickness: 0.6, Color: Brand})) }

// Cell is a table cell w grid columns (of 12) wide; right aligns a
// number, and a nil colour is the text's default.
func (d *Doc) Cell(w int, s string, size float64, bold, right bool, colour *props.Color) core.Col {
	// A gap on both sides of every cell, so a number aligned right never
	// touches the text of the next column.
	p := props.Text{Top: 1, Bottom: 1, Left: 1.5, Right: 1.5, Size: size, VerticalPadding: d.leading, Color: colour}
	if bold {
		p.Style = fontstyle.Bold
	}
	if right {
		p.Align = align.Right
	}
	return text.NewCol(w, d.enc(s), p)
}

// Table adds a bold header row and rows; widths are grid columns (of
// 12), and the columns flagged in right are numbers, aligned right. Each
// row takes the height of its tallest cell, so long text wraps rather
// than running into the next column.
func (d *Doc) Table(widths []int, right []bool, head []string, rows [][]string, size float64) {
	add := func(cells []string, bold bool) {
		r := row.New()
		for i, c := range cells {
			r.Add(d.Cell(widths[i], c, size, bold, right[i], nil))
		}
		d.m.AddRows(r)
	}
	add(head, true)
	for _, c := range rows {
		add(c, false)
	}
}

// Bytes lays the document out and returns the PDF.
func (d *Doc) Bytes() ([]byte, error) {
	doc, err := d.m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}
