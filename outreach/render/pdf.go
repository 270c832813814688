package render

import (
	"net/http"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/pdffont"
)

var (
	grey  = &props.Color{Red: 80, Green: 90, Blue: 95}
	black = &props.Color{Red: 11, Green: 12, Blue: 12}
	blue  = &props.Color{Red: 29, Green: 112, Blue: 184}
)

// pdfLetterhead is one version's letterhead lines.
type pdfLetterhead struct{ name, unit, address, contact string }

func letterheadFor(org *organisation.Settings, lang string) pdfLetterhead {
	return pdfLetterhead{name: org.NameIn(lang), unit: org.UnitIn(lang), address: org.AddressLine(), contact: contactLine(org, lang)}
}

// letterPDF lays out the versions one after the other, each from a new
// page with its letterhead, its body and, when it links to anything, its
// numbered notes. The standard Helvetica is used unless some text needs a
// character it lacks: that keeps the common case fast (no font to embed
// and subset), and embeds a Unicode font only for the letters that need
// one.
func letterPDF(ps []*prepared, subject string, org *organisation.Settings, opts RenderOptions) ([]byte, error) {
	created := opts.Created
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	heads := make([]pdfLetterhead, len(ps))
	unicode := false
	for i, p := range ps {
		heads[i] = letterheadFor(org, p.lang)
		h := heads[i]
		if !pdffont.Fits(h.name + h.unit + h.address + h.contact + words[p.lang]["notes"]) {
			unicode = true
		}
		for _, bl := range p.doc.blocks {
			if !unicode && !pdffont.Fits(bl.pdf+bl.marker) {
				unicode = true
			}
		}
	}
	font, err := pdffont.Choose(unicode)
	if err != nil {
		return nil, err
	}
	enc, family := font.Text, font.Family
	pattern := inLangs(ps, func(l string) string { return words[l]["page"] })
	b := config.NewBuilder().
		WithLeftMargin(20).WithRightMargin(20).WithTopMargin(15).WithBottomMargin(15).
		WithTitle(subject, true).WithAuthor(inLangs(ps, org.NameIn), true).WithCreator("campaignwatch", false).
		WithCreationDate(created).
		WithSequentialMode().
		WithDefaultFont(&props.Font{Family: family, Size: 10.5}).
		WithPageNumber(props.PageNumber{Pattern: pattern, Place: props.RightBottom, Size: 8, Color: grey, Family: family})
	if len(font.Fonts) > 0 {
		b = b.WithCustomFonts(font.Fonts)
	}
	m := maroto.New(b.Build())
	for i, p := range ps {
		if i > 0 {
			// Each later version starts on a page of its own.
			m.AddPages(page.New())
		}
		for _, r := range versionRows(p, heads[i], enc, opts.Signature) {
			// A heading is not left alone at the foot of a page.
			if r.keep && !m.FitlnCurrentPage(keepWithNext) {
				m.AddPages(page.New())
			}
			m.AddRows(r.Row)
		}
	}
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

// keepWithNext is the space, in millimetres, a heading needs below it on
// the page: itself and the first lines of what follows.
const keepWithNext = 30

// pdfRow is a row of the PDF; keep marks a heading, which moves to the
// next page rather than end one.
type pdfRow struct {
	core.Row
	keep bool
}

// versionRows lays out one language version.
func versionRows(p *prepared, h pdfLetterhead, enc func(string) string, sig *organisation.Signatory) []pdfRow {
	var rows []pdfRow
	add := func(keep bool, rs ...core.Row) {
		for _, r := range rs {
			rows = append(rows, pdfRow{Row: r, keep: keep})
		}
	}
	add(false,
		text.NewAutoRow(enc(h.name), props.Text{Size: 16, Style: fontstyle.Bold, Color: black}),
		text.NewAutoRow(enc(h.unit), props.Text{Size: 10, Color: grey, Top: 1}),
	)
	if h.address != "" {
		add(false, text.NewAutoRow(enc(h.address), props.Text{Size: 8, Color: grey, Top: 1}))
	}
	if h.contact != "" {
		add(false, text.NewAutoRow(enc(h.contact), props.Text{Size: 8, Color: grey, Top: 0.5}))
	}
	add(false,
		row.New(2),
		line.NewAutoRow(props.Line{Thickness: 0.6, Color: blue}),
	)
	sigAt := signatureBlock(p, sig)
	for i, bl := range p.doc.blocks {
		if i == sigAt {
			add(false, row.New(18).Add(image.NewFromBytesCol(4, sig.Image, signatureType(sig), props.Rect{Percent: 100, Top: 2})))
		}
		switch bl.kind {
		case "hr":
			add(false, line.NewAutoRow(props.Line{Thickness: 0.2}))
		case "h1":
			add(true, text.NewAutoRow(enc(bl.pdf), props.Text{Size: 14, Style: fontstyle.Bold, Top: 5, Bottom: 1}))
		case "h2", "h3":
			add(true, text.NewAutoRow(enc(bl.pdf), props.Text{Size: 12, Style: fontstyle.Bold, Top: 4, Bottom: 1}))
		case "li":
			add(false, text.NewAutoRow(enc(bl.marker+"  "+bl.pdf), props.Text{Size: 10.5, Left: 6, Top: 1.5, VerticalPadding: 1}))
		default:
			pr := props.Text{Size: 10.5, Top: 3, VerticalPadding: 1}
			if bl.quieter {
				pr.Left, pr.Color = 6, grey
			}
			for _, part := range strings.Split(bl.pdf, "\n") {
				add(false, text.NewAutoRow(enc(part), pr))
				pr.Top = 0.5
			}
		}
	}
	if len(p.doc.notes) > 0 {
		add(true, text.NewAutoRow(enc(words[p.lang]["notes"]), props.Text{Size: 10, Style: fontstyle.Bold, Top: 8, Bottom: 1}))
		for i, n := range p.doc.notes {
			add(false, text.NewAutoRow(enc("["+itoa(i+1)+"] "+n), props.Text{Size: 8.5, Color: grey, Top: 1}))
		}
	}
	return rows
}

// signatureBlock is the index of the block that starts with the
// signatory's name, the last one that does, where the signature image
// goes; -1 when there is no image or no such block.
func signatureBlock(p *prepared, sig *organisation.Signatory) int {
	if sig == nil || len(sig.Image) == 0 || signatureType(sig) == "" {
		return -1
	}
	name := strings.Join(strings.Fields(p.data["SignatoryName"]), " ")
	if name == "" {
		name = strings.TrimSpace(sig.Name)
	}
	if name == "" {
		return -1
	}
	for i := len(p.doc.blocks) - 1; i >= 0; i-- {
		first, _, _ := strings.Cut(p.doc.blocks[i].pdf, "\n")
		if strings.TrimSpace(first) == name {
			return i
		}
	}
	return -1
}

// signatureType is the image's format, from its declared type or, failing
// that, its content; "" for anything but PNG and JPEG.
func signatureType(sig *organisation.Signatory) extension.Type {
	t := sig.ImageType
	if t == "" {
		t = http.DetectContentType(sig.Image)
	}
	switch t {
	case "image/png":
		return extension.Png
	case "image/jpeg", "image/jpg":
		return extension.Jpg
	}
	return ""
}
