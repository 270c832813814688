package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/pdfdoc"
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

// counts adds a two-column table of labels and their counts, or none
// when there are no rows.
func counts(d *pdfdoc.Doc, head [2]string, rows []Count, none string) {
	if len(rows) == 0 {
		d.Para(none, props.Text{Top: 1})
		return
	}
	var cells [][]string
	for _, c := range rows {
		cells = append(cells, []string{c.Label, fmt.Sprint(c.Count)})
	}
	d.Table([]int{9, 3}, []bool{false, true}, head[:], cells, 10)
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
	d, err := pdfdoc.Start(pdfdoc.Layout{Title: strings.Join(titles, " / "), Author: org.Name, Created: created,
		Unicode: slices.Contains(langs, "cy") || !pdffont.Fits(r.Party.Name+org.Name+org.AddressLine())})
	if err != nil {
		return nil, err
	}
	for i, lang := range langs {
		if i > 0 {
			d.Rule()
		}
		r.pdfIn(d, lang, org, created)
	}
	return d.Bytes()
}

func (r *PartyReport) pdfIn(d *pdfdoc.Doc, lang string, org *organisation.Settings, created time.Time) {
	note := props.Text{Size: 9, Color: pdfdoc.Grey, Top: 1}
	follows := ""
	if lang == "cy" && len(r.Languages) > 1 {
		follows = wEnglishFollows.in(lang)
	}
	d.Masthead(org.NameIn(lang)+": "+org.UnitIn(lang), r.Title(lang),
		wPeriod.f(lang, vocab.FormatDate(r.From, lang), vocab.FormatDate(r.To, lang), vocab.FormatDate(r.Election.PollingDay, lang),
			vocab.FormatDate(created.In(vocab.London), lang)), follows)
	d.Para(wNoPersonal.in(lang), props.Text{Size: 9, Top: 2, Color: pdfdoc.Grey})

	d.Heading(wSummary.in(lang))
	for _, s := range r.SummaryLines(lang) {
		d.Para(s, props.Text{Top: 1})
	}
	d.Heading(wByChannel.in(lang))
	d.Para(wChannelNote.in(lang), note)
	counts(d, [2]string{wChannel.in(lang), wComplaints.in(lang)}, r.ChannelLines(lang), wNone.in(lang))
	d.Heading(wByWeek.in(lang))
	counts(d, [2]string{wWeek.in(lang), wComplaints.in(lang)}, r.WeekLines(lang), wNone.in(lang))

	d.Heading(wLaw.in(lang))
	d.Para(wLawNote.in(lang), note)
	if ps := r.ProvisionLines(lang); len(ps) > 0 {
		var cells [][]string
		for _, p := range ps {
			cells = append(cells, []string{p.Citation, p.About, fmt.Sprint(p.Count)})
		}
		d.Table([]int{5, 5, 2}, []bool{false, false, true}, []string{wProvision.in(lang), wAbout.in(lang), wComplaints.in(lang)}, cells, 9.5)
	} else {
		d.Para(wNoneYet.in(lang), props.Text{Top: 1})
	}
	d.Heading(wGuidance.in(lang))
	if gs := r.GuidanceLines(lang); len(gs) > 0 {
		var cells [][]string
		for _, g := range gs {
			s := g.Asks
			if g.Ref != nil {
				s += " " + wSeeRef.f(lang, refText(g.Ref, lang))
			}
			cells = append(cells, []string{s, fmt.Sprint(g.Count)})
		}
		d.Table([]int{10, 2}, []bool{false, true}, []string{wGuidanceCol.in(lang), wComplaints.in(lang)}, cells, 9.5)
	} else {
		d.Para(wNoneYet.in(lang), props.Text{Top: 1})
	}

	d.Heading(wApart.in(lang))
	if ds := r.Apart(); len(ds) > 0 {
		for _, x := range ds {
			d.Para(x.Sentence(lang), props.Text{Top: 1})
		}
	} else {
		d.Para(wApartNone.in(lang), props.Text{Top: 1})
	}
	d.Para(wApartHow.f(lang, DistinctMinCount, strconv.FormatFloat(DistinctRatio, 'f', -1, 64), DistinctMinPoints), note)

	d.Heading(wSenders.in(lang))
	if len(r.Senders) == 0 {
		d.Para(wNoSenders.in(lang), props.Text{Top: 1})
	} else {
		var rows []Count
		for _, s := range r.Senders {
			rows = append(rows, Count{Label: s.Sender, Count: s.Count})
		}
		counts(d, [2]string{wSender.in(lang), wComplaints.in(lang)}, rows, wNone.in(lang))
	}

	d.Heading(wExamples.in(lang))
	if len(r.Examples) == 0 {
		d.Para(wNone.in(lang), props.Text{Top: 1})
	}
	labels := vocab.ChannelLabels(lang)
	for _, ex := range r.Examples {
		d.Para(wExampleHead.f(lang, labels[ex.Channel], vocab.FormatDate(ex.ReceivedAt.In(vocab.London), lang)),
			props.Text{Size: 9, Style: fontstyle.Bold, Top: 2})
		for _, part := range strings.Split(ex.Text, "\n") {
			d.Para(part, props.Text{Size: 9.5, Left: 4, Top: 0.5, Color: pdfdoc.Grey})
		}
	}

	if lines := r.AuditLines(lang); len(lines) > 0 {
		d.Heading(wAuditHeading.in(lang))
		d.Para(r.AuditSummary(lang), props.Text{Top: 1})
		d.Para(wAuditNote.in(lang), note)
		var cells [][]string
		for _, l := range lines {
			n := strconv.Itoa(l.Complaints)
			if ch := l.ChannelText(); ch != "" {
				n += " (" + ch + ")"
			}
			cells = append(cells, []string{l.Ref + " (" + l.Priority + ")", l.Area, l.Action, n})
		}
		d.Table([]int{2, 2, 5, 3}, []bool{false, false, false, false},
			[]string{wAuditRef.in(lang), wAuditArea.in(lang), wAuditAction.in(lang), wComplaints.in(lang)}, cells, 9)
		for _, l := range lines {
			for _, ex := range l.Examples {
				d.Para(l.Ref+": "+wExampleHead.f(lang, labels[ex.Channel], vocab.FormatDate(ex.ReceivedAt.In(vocab.London), lang)),
					props.Text{Size: 9, Style: fontstyle.Bold, Top: 2})
				for _, part := range strings.Split(ex.Text, "\n") {
					d.Para(part, props.Text{Size: 9.5, Left: 4, Top: 0.5, Color: pdfdoc.Grey})
				}
			}
		}
	}

	d.Heading(wRequests.in(lang))
	for i, q := range r.Requests(lang) {
		s := strings.TrimSpace(q.Figure + " " + q.Do)
		if tail := q.lawSentence(lang, refText); tail != "" {
			s += " " + tail
		}
		d.Para(fmt.Sprintf("%d.  %s", i+1, s), props.Text{Left: 4, Top: 1.5})
	}
	if n := r.FewerRequestsNote(lang); n != "" {
		d.Para(n, note)
	}
	if !r.ReplyBy.IsZero() {
		d.Para(wReplyBy.f(lang, vocab.FormatDate(r.ReplyBy, lang)), props.Text{Top: 3, Style: fontstyle.Bold})
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
	d, err := pdfdoc.Start(pdfdoc.Layout{Title: r.Title(), Author: ReportIssuer, Created: r.GeneratedAt, Unicode: !pdffont.Fits(names),
		Landscape: true, SideMargin: 15, BottomMargin: 18, FontSize: 9, PageNumbers: "Page {current} of {total}"})
	if err != nil {
		return nil, err
	}
	d.Para(ReportIssuer, props.Text{Size: 9, Color: pdfdoc.Grey})
	d.Para(r.Title(), props.Text{Size: 15, Style: fontstyle.Bold, Top: 2, Bottom: 1})
	d.Para(fmt.Sprintf("%d complaints received from %s to %s. Produced %s.", r.Total,
		r.From.Format("2 January 2006"), r.To.Format("2 January 2006"), r.GeneratedAt.In(vocab.London).Format("2 January 2006")),
		props.Text{Size: 9, Color: pdfdoc.Grey, Bottom: 3})
	d.Rule()
	var rows [][]string
	for _, p := range r.Rows {
		var apart []string
		for _, x := range p.Apart {
			apart = append(apart, x.Short())
		}
		rows = append(rows, []string{p.Party, fmt.Sprint(p.Complaints), fmt.Sprint(p.OutOfScope), fmt.Sprint(p.Reported),
			fmt.Sprint(p.Untriaged), fmt.Sprint(p.Urgent), fmt.Sprint(p.High), fmt.Sprint(p.Closed), strings.Join(apart, "; ")})
	}
	d.Table([]int{2, 1, 1, 1, 1, 1, 1, 1, 3}, []bool{false, true, true, true, true, true, true, true, false},
		[]string{"Party", "Complaints", "Out of scope", "In the party's report", "Not yet triaged", "Urgent", "High", "Closed", "Sets it apart (its share against all parties')"},
		rows, 8.5)
	return d.Bytes()
}
