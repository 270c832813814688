package audits

import (
	"fmt"
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

var (
	wSummaryTitle = tr{"Summary report: %s", "Adroddiad cryno: %s"}
	wAuditsDone   = tr{"%s, %s.", "%s, %s."}
	wKeyFindings  = tr{"Key findings by area", "Canfyddiadau allweddol fesul maes"}
	wPriorities   = tr{"Recommendations by priority", "Argymhellion fesul blaenoriaeth"}
	wCount        = tr{"Recommendations", "Argymhellion"}
	wShare        = tr{"Share", "Cyfran"}
	wByParty      = tr{"Progress at follow-up by party", "Cynnydd adeg yr adolygiad dilynol fesul plaid"}
	wByPriority   = tr{"Progress at follow-up by priority", "Cynnydd adeg yr adolygiad dilynol fesul blaenoriaeth"}
	wGood         = tr{"Good practice noted", "Arferion da a nodwyd"}
	wNoFinding    = tr{"No key finding recorded.", "Dim canfyddiad allweddol wedi'i gofnodi."}
	wInArea       = tr{"%s (%d%%).", "%s (%d%%)."}
	wNoRecs       = tr{"No recommendations yet.", "Dim argymhellion eto."}
	wNoGood       = tr{"No good practice recorded.", "Dim arferion da wedi'u cofnodi."}
	wAssuranceCol = tr{"Assurance", "Sicrwydd"}
	wConclusion2  = tr{"Conclusion", "Casgliad"}
	wChartNote2   = tr{"Number of recommendations at each priority by their status at the follow-up review. The table below gives the same figures.",
		"Nifer yr argymhellion ar bob blaenoriaeth yn ôl eu statws adeg yr adolygiad dilynol. Mae'r tabl isod yn rhoi'r un ffigurau."}
	wByPartyCap = tr{"Recommendations of each party by status at the follow-up review", "Argymhellion pob plaid yn ôl eu statws adeg yr adolygiad dilynol"}
	wByPrioCap  = tr{"Recommendations by priority and status at the follow-up review", "Argymhellion yn ôl blaenoriaeth a statws adeg yr adolygiad dilynol"}
	wOtherLang  = tr{"This report is also available in Welsh.", "Mae'r adroddiad hwn ar gael yn Saesneg hefyd."}
)

// summaryWords are the summary's headings and column names by key, for
// its page.
var summaryWords = map[string]tr{
	"key_findings": wKeyFindings, "priorities": wPriorities, "count": wCount, "share": wShare, "by_party": wByParty,
	"by_priority": wByPriority, "good": wGood, "no_finding": wNoFinding, "no_recs": wNoRecs, "no_good": wNoGood,
	"priority": wPriority, "party": wParty, "total": wTotal, "assurance": wAssuranceCol, "conclusion": wConclusion2,
	"urgent_or_high": wUrgentOrHigh, "chart_note": wChartNote2, "by_party_caption": wByPartyCap, "by_priority_caption": wByPrioCap,
}

// SummaryWord is the summary report's word for key in lang, for its
// page; an unknown key is returned as it is.
func SummaryWord(key, lang string) string {
	if w, ok := summaryWords[key]; ok {
		return w.in(lang)
	}
	return key
}

// Produced says when the summary was produced, in lang.
func (s *Summary) Produced(lang string) string {
	return wProduced.f(lang, vocab.FormatDate(s.GeneratedAt.In(vocab.London), lang))
}

// Title is the summary report's title in lang.
func (s *Summary) Title(lang string) string { return wSummaryTitle.f(lang, s.Name(lang)) }

// PDFFilename is the name the summary is downloaded as in lang.
func (s *Summary) PDFFilename(lang string) string {
	if lang == "cy" {
		return fmt.Sprintf("adroddiad-cryno-rhaglen-archwilio-%s.pdf", plaintext.Slug(s.Programme.NameCY))
	}
	return fmt.Sprintf("audit-programme-summary-%s.pdf", plaintext.Slug(s.Programme.Name))
}

// WorkbookFilename is the name the workbook is downloaded as.
func (s *Summary) WorkbookFilename() string {
	return fmt.Sprintf("audit-programme-%s.xlsx", plaintext.Slug(s.Programme.Name))
}

// PDF renders the summary report as an A4 PDF in lang, naming the law in
// full as anything published does.
//
// There is one PDF per language, not one bilingual file: the summary is
// published on the regulator's website, where a regulator in Wales
// publishes the Welsh and the English versions side by side, each a
// complete document of equal standing that a reader downloads in the
// language they choose, and each saying that the other exists. (The
// party follow-up report is different: it is one attachment to one
// letter whose readers read both languages, so it carries both, Welsh
// first.) The Welsh PDF is refused, naming what to fill in, while any
// Welsh text is missing (Welsh).
func (s *Summary) PDF(lang string) ([]byte, error) {
	if lang != "cy" {
		lang = "en"
	}
	welsh := s.Welsh()
	if lang == "cy" && welsh != nil {
		return nil, welsh
	}
	created := s.GeneratedAt
	if created.IsZero() {
		created = time.Now()
	}
	org := s.Org
	if org == nil {
		org = organisation.Defaults(nil)
	}
	// The standard font cannot print every name (ŵ, ŷ): the text decides.
	var all strings.Builder
	all.WriteString(s.Programme.Description + s.Name(lang))
	for _, a := range s.Audits {
		all.WriteString(a.PartyName + a.GoodPractice + a.GoodPracticeCY)
	}
	for _, f := range s.Programme.Findings {
		all.WriteString(f.Finding + f.FindingCY)
	}
	d, err := newPDF(s.Title(lang), org.Name, created, !pdffont.Fits(all.String()))
	if err != nil {
		return nil, err
	}
	note := props.Text{Size: 9, Color: pdfdoc.Grey, Top: 1}
	// The English version names the Welsh one only when it can be had.
	other := ""
	if lang == "cy" || welsh == nil {
		other = wOtherLang.in(lang)
	}
	d.Masthead(org.NameIn(lang)+": "+org.UnitIn(lang), s.Title(lang),
		wProduced.f(lang, vocab.FormatDate(created.In(vocab.London), lang))+" "+s.Counts(lang), other)
	d.Para(s.LawSentence(lang), props.Text{Top: 2})
	// The description is English only: the Welsh version leaves it out.
	if lang == "en" && s.Programme.Description != "" {
		d.Para(s.Programme.Description, props.Text{Top: 1})
	}
	d.Para(s.Headline(lang), props.Text{Top: 2, Style: fontstyle.Bold})

	d.Heading(wKeyFindings.in(lang))
	for _, f := range s.KeyFindings(lang) {
		d.Subheading(f.Area)
		fd := f.Finding
		if fd == "" {
			fd = wNoFinding.in(lang)
		}
		d.Para(fd, props.Text{Top: 0.5})
		d.Para(f.CountText(lang), note)
	}

	d.Heading(wPriorities.in(lang))
	var rows [][]string
	for _, sh := range s.PriorityShares(lang) {
		rows = append(rows, []string{sh.Label, fmt.Sprint(sh.Count), fmt.Sprintf("%d%%", sh.Percent)})
	}
	d.Table([]int{6, 3, 3}, []bool{false, true, true}, []string{wPriority.in(lang), wCount.in(lang), wShare.in(lang)}, rows, 10)

	d.Heading(wByParty.in(lang))
	t := s.ProgressByPriority(lang)
	head := append([]string{wParty.in(lang)}, t.Statuses...)
	head = append(head, wTotal.in(lang))
	rows = nil
	for _, p := range s.ProgressByParty(lang) {
		r := []string{p.Party}
		for _, n := range p.Counts {
			r = append(r, fmt.Sprint(n))
		}
		rows = append(rows, append(r, fmt.Sprint(p.Total)))
	}
	// Party 3 columns, each status 1, total 1 (3 + 6 + 1 = 10 of 12,
	// the rest to the party).
	widths := []int{5, 1, 1, 1, 1, 1, 1, 1}
	right := []bool{false, true, true, true, true, true, true, true}
	d.Table(widths, right, head, rows, 8)

	d.Heading(wByPriority.in(lang))
	if err := statusChart(d, t, lang); err != nil {
		return nil, err
	}

	d.Heading(wGood.in(lang))
	gp := s.GoodPractices(lang)
	if len(gp) == 0 {
		d.Para(wNoGood.in(lang), props.Text{Top: 1})
	}
	for _, g := range gp {
		d.Subheading(g.Party)
		d.Para(g.Text, props.Text{Top: 0.5})
	}
	return d.Bytes()
}

// counted is n things in lang: "1 audit", "5 audits"; Welsh keeps the
// singular after a number ("5 archwiliad").
func counted(n int, one, many tr, lang string) string {
	if n == 1 || lang == "cy" {
		return fmt.Sprintf("%d %s", n, one.in(lang))
	}
	return fmt.Sprintf("%d %s", n, many.in(lang))
}

var (
	wAudit  = tr{"audit", "archwiliad"}
	wAudits = tr{"audits", "archwiliad"}
	wRec    = tr{"recommendation", "argymhelliad"}
	wRecsN  = tr{"recommendations", "argymhelliad"}
)

// Counts says how many audits and recommendations the programme has.
func (s *Summary) Counts(lang string) string {
	return wAuditsDone.f(lang, counted(len(s.Audits), wAudit, wAudits, lang), counted(s.Total(), wRec, wRecsN, lang))
}

// CountText says how many recommendations fall in the area and their
// share.
func (f FindingLine) CountText(lang string) string {
	return wInArea.f(lang, counted(f.Count, wRec, wRecsN, lang), f.Percent)
}
