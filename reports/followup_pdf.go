package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"golang.org/x/text/encoding/charmap"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/plaintext"
)

// ReportIssuer is the organisation named at the top of report PDFs.
var ReportIssuer = "Data Protection Regulator: Political Campaigning Oversight"

// PDFFilename is the file name a party report is attached and downloaded
// as.
func (r *PartyReport) PDFFilename() string {
	return fmt.Sprintf("complaints-report-%s-%s.pdf", plaintext.Slug(r.Election.Name), plaintext.Slug(r.Party.Name))
}

// Title is the report's title, which the follow-up letter names.
func (r *PartyReport) Title() string {
	return fmt.Sprintf("Complaints about %s: %s", r.Party.Name, r.Election.Name)
}

var (
	pdfGrey  = &props.Color{Red: 80, Green: 90, Blue: 95}
	pdfBrand = &props.Color{Red: 11, Green: 61, Blue: 89}
)

// pdfText converts text for the standard PDF fonts' Windows-1252 code
// page once, up front. Paired with the "Helvetica" family spelled with a
// capital (which the PDF library treats as the same standard font but
// does not translate again on every call), this keeps a report to a few
// milliseconds, as in outreach/render.
func pdfText(s string) string {
	s = strings.NewReplacer("\u00a0", " ", "\u2013", "-", "\u2014", "-").Replace(s)
	enc := charmap.Windows1252.NewEncoder()
	var b strings.Builder
	for _, r := range s {
		out, err := enc.String(string(r))
		if err != nil {
			b.WriteByte('?')
			continue
		}
		b.WriteString(out)
	}
	return b.String()
}

// PDF renders the report as an A4 PDF.
func (r *PartyReport) PDF() ([]byte, error) {
	created := r.GeneratedAt
	if created.IsZero() {
		created = time.Now()
	}
	cfg := config.NewBuilder().
		WithLeftMargin(20).WithRightMargin(20).WithTopMargin(15).WithBottomMargin(15).
		WithTitle(r.Title(), true).WithAuthor(ReportIssuer, true).WithCreator("campaignwatch", false).
		WithCreationDate(created).WithSequentialMode().
		WithDefaultFont(&props.Font{Family: "Helvetica", Size: 10}).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Size: 8, Color: pdfGrey}).
		Build()
	m := maroto.New(cfg)
	para := func(s string, p props.Text) { m.AddRows(text.NewAutoRow(pdfText(s), p)) }
	heading := func(s string) {
		para(s, props.Text{Size: 12, Style: fontstyle.Bold, Top: 5, Bottom: 1, Color: pdfBrand})
	}
	table := func(head [2]string, rows []Count) {
		if len(rows) == 0 {
			para("None.", props.Text{Top: 1})
			return
		}
		m.AddRows(countRow(head[0], head[1], true))
		for _, c := range rows {
			m.AddRows(countRow(c.Label, fmt.Sprint(c.Count), false))
		}
	}

	para(ReportIssuer, props.Text{Size: 9, Color: pdfGrey})
	para(r.Title(), props.Text{Size: 16, Style: fontstyle.Bold, Top: 2, Bottom: 1})
	para(fmt.Sprintf("Complaints received from %s to %s (polling day %s). Produced %s.",
		r.From.Format("2 January 2006"), r.To.Format("2 January 2006"), r.Election.PollingDay.Format("2 January 2006"),
		created.In(vocab.London).Format("2 January 2006")), props.Text{Size: 9, Color: pdfGrey, Bottom: 2})
	m.AddRows(line.NewAutoRow(props.Line{Thickness: 0.6, Color: pdfBrand}))
	para("This report contains no complainant's name or contact details. Example messages have phone numbers, email addresses, postcodes and names removed.",
		props.Text{Size: 9, Top: 2, Color: pdfGrey})

	heading("Summary")
	para(fmt.Sprintf("%d complaints about %s, of which %d were repeat submissions of an earlier complaint and %d are not yet triaged.",
		r.Total, r.Party.Name, r.Duplicates, r.Untriaged), props.Text{Top: 1})
	if note := r.OutOfScopeNote(); note != "" {
		para(note, props.Text{Top: 1})
	}
	heading("Complaints by channel")
	para(ChannelCountNote, props.Text{Size: 9, Color: pdfGrey, Top: 1})
	table([2]string{"Channel", "Complaints"}, r.ByChannel)
	heading("Complaints by week")
	table([2]string{"Week", "Complaints"}, r.ByWeek)
	heading("Priority given at triage")
	table([2]string{"Priority", "Complaints"}, r.ByPriority)
	heading("Law engaged")
	table([2]string{"Provision", "Complaints"}, codeRows(r.Provisions))
	heading("Our guidance engaged")
	table([2]string{"Guidance point", "Complaints"}, codeRows(r.Guidance))
	heading("Senders complained about most")
	var senders []Count
	for _, s := range r.Senders {
		senders = append(senders, Count{Label: s.Sender, Count: s.Count})
	}
	table([2]string{"Sender", "Complaints"}, senders)
	heading("Example messages")
	if len(r.Examples) == 0 {
		para("None.", props.Text{Top: 1})
	}
	for _, ex := range r.Examples {
		para(fmt.Sprintf("%s, %s, received %s", ex.Reference, vocab.ChannelLabel(ex.Channel), ex.ReceivedAt.In(vocab.London).Format("2 January 2006")),
			props.Text{Size: 9, Style: fontstyle.Bold, Top: 2})
		for _, part := range strings.Split(ex.Text, "\n") {
			para(part, props.Text{Size: 9.5, Left: 4, Top: 0.5, Color: pdfGrey})
		}
	}
	heading("Outcomes so far")
	table([2]string{"Outcome", "Complaints"}, r.Outcomes)
	heading("What we ask you to do")
	for i, a := range r.Asks {
		para(fmt.Sprintf("%d.  %s", i+1, a), props.Text{Left: 4, Top: 1.5})
	}
	para(fmt.Sprintf("Triage rulebook: %s.", r.Rulebook), props.Text{Size: 8, Top: 6, Color: pdfGrey})

	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

func codeRows(cs []CodeCount) []Count {
	var out []Count
	for _, c := range cs {
		label := c.Code
		if c.Title != "" {
			label += ": " + c.Title
		}
		out = append(out, Count{Label: label, Count: c.Count})
	}
	return out
}

func countRow(label, value string, head bool) core.Row {
	p := props.Text{Top: 1, Bottom: 1}
	if head {
		p.Style = fontstyle.Bold
	}
	pv := p
	pv.Align = align.Right
	return row.New().Add(text.NewCol(10, pdfText(label), p), text.NewCol(2, pdfText(value), pv))
}

// Title is the overview's title.
func (r *ElectionReport) Title() string { return "Complaints by party: " + r.Election.Name }

// PDF renders the overview, every party side by side, as an A4 PDF.
func (r *ElectionReport) PDF() ([]byte, error) {
	cfg := config.NewBuilder().
		WithLeftMargin(15).WithRightMargin(15).WithTopMargin(15).WithBottomMargin(15).
		WithTitle(r.Title(), true).WithAuthor(ReportIssuer, true).WithCreator("campaignwatch", false).
		WithCreationDate(r.GeneratedAt).WithSequentialMode().
		WithDefaultFont(&props.Font{Family: "Helvetica", Size: 9}).
		WithPageNumber(props.PageNumber{Pattern: "Page {current} of {total}", Place: props.RightBottom, Size: 8, Color: pdfGrey}).
		Build()
	m := maroto.New(cfg)
	m.AddRows(
		text.NewAutoRow(pdfText(ReportIssuer), props.Text{Size: 9, Color: pdfGrey}),
		text.NewAutoRow(pdfText(r.Title()), props.Text{Size: 15, Style: fontstyle.Bold, Top: 2, Bottom: 1}),
		text.NewAutoRow(pdfText(fmt.Sprintf("%d complaints received from %s to %s. Produced %s.", r.Total,
			r.From.Format("2 January 2006"), r.To.Format("2 January 2006"), r.GeneratedAt.In(vocab.London).Format("2 January 2006"))),
			props.Text{Size: 9, Color: pdfGrey, Bottom: 3}),
		line.NewAutoRow(props.Line{Thickness: 0.6, Color: pdfBrand}),
	)
	cell := func(size int, s string, head, right bool) core.Col {
		p := props.Text{Top: 1, Bottom: 1}
		if head {
			p.Style = fontstyle.Bold
		}
		if right {
			p.Align = align.Right
		}
		return text.NewCol(size, pdfText(s), p)
	}
	m.AddRows(row.New().Add(cell(4, "Party", true, false), cell(1, "Total", true, true), cell(1, "Urgent", true, true),
		cell(1, "High", true, true), cell(1, "Closed", true, true), cell(4, "Most engaged provision", true, false)))
	for _, p := range r.Rows {
		m.AddRows(row.New().Add(cell(4, p.Party, false, false), cell(1, fmt.Sprint(p.Total), false, true), cell(1, fmt.Sprint(p.Urgent), false, true),
			cell(1, fmt.Sprint(p.High), false, true), cell(1, fmt.Sprint(p.Closed), false, true), cell(4, p.TopProvision, false, false)))
	}
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}
