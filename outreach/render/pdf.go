package render

import (
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"golang.org/x/text/encoding/charmap"
)

// pdfText converts text for the PDF's standard fonts, which use the
// Windows-1252 code page: characters it lacks get a close substitute
// (the checklist box becomes "[ ]") rather than garbage.
func pdfText(s string) string {
	s = pdfSubst.Replace(s)
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch c, ok := charmap.Windows1252.EncodeRune(r); {
		case r < 0x80:
			b = append(b, byte(r))
		case ok:
			b = append(b, c)
		default:
			b = append(b, '?')
		}
	}
	return string(b)
}

var pdfSubst = strings.NewReplacer("☐", "[ ]", "□", "[ ]", "☑", "[x]", "✓", "v", "\u00a0", " ")

var (
	grey  = &props.Color{Red: 80, Green: 90, Blue: 95}
	black = &props.Color{Red: 11, Green: 12, Blue: 12}
)

func (d *document) pdf(subject string, _ map[string]string, created time.Time) ([]byte, error) {
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	cfg := config.NewBuilder().
		WithLeftMargin(20).WithRightMargin(20).WithTopMargin(15).WithBottomMargin(15).
		WithTitle(subject, true).WithAuthor(Letterhead.Name, true).WithCreator("campaignwatch", false).
		WithCreationDate(created).
		WithSequentialMode().
		// "Helvetica" capitalised is the same standard font to the PDF
		// library, but skips maroto's per-call Windows-1252 translation,
		// which re-parses its code page table every time and made each PDF
		// take ~13 ms; pdfText does the same conversion once, quickly.
		WithDefaultFont(&props.Font{Family: "Helvetica", Size: 10.5}).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Size: 8, Color: grey}).
		Build()
	m := maroto.New(cfg)
	m.AddRows(
		text.NewAutoRow(pdfText(Letterhead.Name), props.Text{Size: 16, Style: fontstyle.Bold, Color: black}),
		text.NewAutoRow(pdfText(Letterhead.Unit), props.Text{Size: 10, Color: grey, Top: 1}),
		text.NewAutoRow(pdfText(Letterhead.Address), props.Text{Size: 8, Color: grey, Top: 1, Bottom: 2}),
		line.NewAutoRow(props.Line{Thickness: 0.6, Color: &props.Color{Red: 29, Green: 112, Blue: 184}}),
	)
	for _, bl := range d.blocks {
		switch bl.kind {
		case "hr":
			m.AddRows(line.NewAutoRow(props.Line{Thickness: 0.2}))
		case "h1":
			m.AddRows(text.NewAutoRow(pdfText(bl.text), props.Text{Size: 14, Style: fontstyle.Bold, Top: 5, Bottom: 1}))
		case "h2", "h3":
			m.AddRows(text.NewAutoRow(pdfText(bl.text), props.Text{Size: 12, Style: fontstyle.Bold, Top: 4, Bottom: 1}))
		case "li":
			m.AddRows(text.NewAutoRow(pdfText(bl.marker+"  "+bl.text), props.Text{Size: 10.5, Left: 6, Top: 1.5, VerticalPadding: 1}))
		default:
			p := props.Text{Size: 10.5, Top: 3, VerticalPadding: 1}
			if bl.quieter {
				p.Left, p.Color = 6, grey
			}
			for _, part := range strings.Split(bl.text, "\n") {
				m.AddRows(text.NewAutoRow(pdfText(part), p))
				p.Top = 0.5
			}
		}
	}
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}
