package audits

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/legal"
	"github.com/campaignwatch/campaignwatch/internal/plaintext"
)

// tr is a phrase of the outputs in English and Welsh.
type tr struct{ en, cy string }

func (t tr) in(lang string) string {
	if lang == "cy" {
		return t.cy
	}
	return t.en
}

func (t tr) f(lang string, args ...any) string { return fmt.Sprintf(t.in(lang), args...) }

// The follow-up report's words.
var (
	wReportTitle   = tr{"Audit follow-up report: %s", "Adroddiad dilynol ar yr archwiliad: %s"}
	wProduced      = tr{"Produced %s.", "Cynhyrchwyd %s."}
	wEnglishFollow = tr{"The English version follows the Welsh.", "Mae'r fersiwn Saesneg yn dilyn y fersiwn Gymraeg."}
	wParticulars   = tr{"The audit", "Yr archwiliad"}
	wParty         = tr{"Party", "Plaid"}
	wType          = tr{"Type of audit", "Math o archwiliad"}
	wProgramme     = tr{"Programme", "Rhaglen"}
	wNoticeOn      = tr{"Assessment notice", "Hysbysiad asesu"}
	wFieldwork     = tr{"Fieldwork", "Gwaith maes"}
	wReportOn      = tr{"Audit report", "Adroddiad yr archwiliad"}
	wFollowUpOn    = tr{"Follow-up review", "Adolygiad dilynol"}
	wScope         = tr{"Scope", "Cwmpas"}
	wAuditors      = tr{"Auditors", "Archwilwyr"}
	wAssurance     = tr{"Assurance at the audit", "Sicrwydd adeg yr archwiliad"}
	wConclusion    = tr{"Conclusion of the follow-up", "Casgliad yr adolygiad dilynol"}
	wNotRecorded   = tr{"Not recorded", "Heb ei gofnodi"}
	wFromTo        = tr{"%s to %s", "%s i %s"}
	wFoundThat     = tr{"The follow-up review found that the party %s", "Canfu'r adolygiad dilynol fod y blaid %s"}
	wRecs          = tr{"Recommendations by area and priority", "Argymhellion fesul maes a blaenoriaeth"}
	wRecsNote      = tr{"Each recommendation with the party's response and its status at the follow-up review.", "Pob argymhelliad gydag ymateb y blaid a'i statws adeg yr adolygiad dilynol."}
	wNotesInEN     = tr{"", "Mae nodiadau'r blaid a'r adolygwyr, a ysgrifennwyd yn Saesneg, yn y fersiwn Saesneg."}
	wRef           = tr{"Ref", "Cyf"}
	wFinding       = tr{"Finding", "Canfyddiad"}
	wAction        = tr{"Recommended action", "Cam a argymhellir"}
	wPriority      = tr{"Priority", "Blaenoriaeth"}
	wTarget        = tr{"Target date", "Dyddiad targed"}
	wResponse      = tr{"Response", "Ymateb"}
	wStatus        = tr{"Status at follow-up", "Statws adeg yr adolygiad"}
	wNote          = tr{"Note", "Nodyn"}
	wNoResponse    = tr{"No response recorded", "Dim ymateb wedi'i gofnodi"}
	wLaw           = tr{"Law", "Y gyfraith"}
	wGuidanceCol   = tr{"Guidance", "Canllawiau"}
	wChart         = tr{"Status by priority", "Statws fesul blaenoriaeth"}
	wChartNote     = tr{"Number of recommendations at each priority by their status at the follow-up review.", "Nifer yr argymhellion ar bob blaenoriaeth yn ôl eu statws adeg yr adolygiad dilynol."}
	wTotal         = tr{"Total", "Cyfanswm"}
	wOpen          = tr{"What remains open", "Yr hyn sy'n dal ar agor"}
	wOpenNote      = tr{"Recommendations not completed and still applicable, most urgent first.", "Argymhellion heb eu cwblhau sy'n dal yn berthnasol, y rhai mwyaf brys yn gyntaf."}
	wNothingOpen   = tr{"Nothing remains open.", "Does dim ar ôl ar agor."}
	wProvisions    = tr{"The law the recommendations rest on", "Y gyfraith y mae'r argymhellion yn seiliedig arni"}
	wNone          = tr{"None.", "Dim."}
	wRecsNone      = tr{"No recommendations were made.", "Ni wnaed unrhyw argymhellion."}
)

// Title is the report's title in lang, which the follow-up letter names.
func (r *FollowUpReport) Title(lang string) string { return wReportTitle.f(lang, r.Audit.PartyName) }

// PDFFilename is the name the report is attached and downloaded as.
func (r *FollowUpReport) PDFFilename() string {
	return fmt.Sprintf("audit-follow-up-%s-%d.pdf", plaintext.Slug(r.Audit.PartyName), r.Audit.Year())
}

// Field is one labelled value of a report.
type Field struct {
	Label string
	Value string
}

func dayIn(t *time.Time, lang string) string {
	if t == nil {
		return wNotRecorded.in(lang)
	}
	return vocab.FormatDate(*t, lang)
}

// Particulars are the audit's particulars in lang: party, type, dates,
// scope, auditors, assurance and conclusion, all in words.
func (r *FollowUpReport) Particulars(lang string) []Field {
	a := r.Audit
	out := []Field{{wParty.in(lang), a.PartyName}, {wType.in(lang), Types.Label(a.Type, lang)}}
	if r.Programme != nil {
		name := r.Programme.Name
		if lang == "cy" {
			name = r.Programme.NameCY
		}
		if name != "" {
			out = append(out, Field{wProgramme.in(lang), name})
		}
	}
	if a.Type == "compulsory" {
		out = append(out, Field{wNoticeOn.in(lang), dayIn(a.NoticeOn, lang)})
	}
	fw := wNotRecorded.in(lang)
	if a.FieldworkFrom != nil {
		fw = wFromTo.f(lang, dayIn(a.FieldworkFrom, lang), dayIn(a.FieldworkTo, lang))
	}
	out = append(out, Field{wFieldwork.in(lang), fw}, Field{wReportOn.in(lang), dayIn(a.ReportOn, lang)},
		Field{wFollowUpOn.in(lang), dayIn(a.FollowUpOn, lang)})
	var scope []string
	for _, c := range Scopes.Codes() {
		if slices.Contains(a.Scope, c) {
			scope = append(scope, Scopes.Label(c, lang))
		}
	}
	out = append(out, Field{wScope.in(lang), orNot(strings.Join(scope, "; "), lang)},
		Field{wAuditors.in(lang), orNot(strings.Join(a.Auditors, ", "), lang)},
		Field{wAssurance.in(lang), orNot(Assurance.Label(a.Assurance, lang), lang)},
		Field{wConclusion.in(lang), orNot(Conclusions.Label(a.Conclusion, lang), lang)})
	return out
}

func orNot(s, lang string) string {
	if s == "" {
		return wNotRecorded.in(lang)
	}
	return s
}

// ConclusionSentence is the follow-up review's conclusion as a sentence,
// or "" before the review.
func (r *FollowUpReport) ConclusionSentence(lang string) string {
	if r.Audit.Conclusion == "" {
		return ""
	}
	return wFoundThat.f(lang, Conclusions[Conclusions.Rank(r.Audit.Conclusion)].Report.In(lang))
}

// ConclusionNote is the reviewers' note on the conclusion, written in
// English: the Welsh version leaves it out.
func (r *FollowUpReport) ConclusionNote(lang string) string {
	if lang == "cy" {
		return ""
	}
	return r.Audit.ConclusionNote
}

// RecLine is one recommendation as the report shows it, in words.
type RecLine struct {
	Ref      string
	Area     string
	Finding  string
	Action   string
	Priority string
	// PriorityCode and StatusCode let pages style a row; they are never
	// shown.
	PriorityCode string
	StatusCode   string
	Target       string
	Response     string
	Status       string
	// Note is the reviewers' note and the party's action (English only:
	// empty in Welsh).
	Note string
	// Law cites each provision in full; Guidance names each document
	// with its address (for paper), Links the same for pages.
	Law      []string
	Guidance []string
	Links    []Link
}

// Link is a guidance document of the organisation's library.
type Link struct {
	Title string
	URL   string
}

// guidanceRefs are the organisation library's documents for the
// rulebook's guidance ids a recommendation rests on.
var guidanceRefs = map[string]string{
	"G1": "guidance.political-campaigning", "G2": "guidance.right-to-be-informed", "G3": "guidance.accountability",
	"G4": "guidance.direct-marketing", "G5": "guidance.special-category-data", "BCC": "guidance.bulk-email",
}

// line is rec in words in lang.
func (r *FollowUpReport) line(rec Recommendation, lang string) RecLine {
	l := RecLine{Ref: rec.Ref(), Area: Areas.Label(rec.Area, lang), Finding: rec.Finding, Action: rec.Action,
		Priority: Priorities.Label(rec.Priority, lang), PriorityCode: rec.Priority, StatusCode: rec.Status,
		Target: vocab.FormatDate(rec.TargetOn, lang), Response: wNoResponse.in(lang), Status: NotReviewed.Label.In(lang)}
	if lang == "cy" {
		l.Finding, l.Action = rec.FindingCY, rec.ActionCY
	}
	if rec.Response != nil {
		l.Response = Responses.Label(rec.Response.Answer, lang)
	}
	if rec.Status != "" {
		l.Status = Statuses.Label(rec.Status, lang)
	}
	if lang != "cy" {
		var notes []string
		if rec.Response != nil && rec.Response.Action != "" {
			notes = append(notes, "Party's action: "+rec.Response.Action)
		}
		if rec.StatusNote != "" {
			notes = append(notes, "Review: "+rec.StatusNote)
		}
		l.Note = strings.Join(notes, " ")
	}
	for _, p := range rec.Provisions {
		l.Law = append(l.Law, r.cites.of(p, lang))
	}
	for _, g := range rec.Guidance {
		if ref, ok := r.Org.Reference(guidanceRefs[g]); ok {
			l.Guidance = append(l.Guidance, ref.TitleIn(lang)+" ("+ref.URLIn(lang)+")")
			l.Links = append(l.Links, Link{Title: ref.TitleIn(lang), URL: ref.URLIn(lang)})
		}
	}
	return l
}

// PriorityGroup is one priority's recommendations in an area.
type PriorityGroup struct {
	Priority string
	Recs     []RecLine
}

// AreaGroup is one area's recommendations by priority.
type AreaGroup struct {
	Area       string
	Priorities []PriorityGroup
}

// Groups are the recommendations by area (Areas order) then priority
// (urgent first), in lang.
func (r *FollowUpReport) Groups(lang string) []AreaGroup {
	var out []AreaGroup
	for _, area := range Areas.Codes() {
		g := AreaGroup{Area: Areas.Label(area, lang)}
		for _, pr := range Priorities.Codes() {
			pg := PriorityGroup{Priority: Priorities.Label(pr, lang)}
			for _, rec := range r.Recommendations {
				if rec.Area == area && rec.Priority == pr {
					pg.Recs = append(pg.Recs, r.line(rec, lang))
				}
			}
			if len(pg.Recs) > 0 {
				g.Priorities = append(g.Priorities, pg)
			}
		}
		if len(g.Priorities) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Remaining are the open recommendations, urgent first, then by target
// date and number.
func (r *FollowUpReport) Remaining(lang string) []RecLine {
	var open []Recommendation
	for _, rec := range r.Recommendations {
		if rec.Open() {
			open = append(open, rec)
		}
	}
	slices.SortStableFunc(open, func(a, b Recommendation) int {
		if d := Priorities.Rank(a.Priority) - Priorities.Rank(b.Priority); d != 0 {
			return d
		}
		if c := a.TargetOn.Compare(b.TargetOn); c != 0 {
			return c
		}
		return a.Number - b.Number
	})
	out := make([]RecLine, len(open))
	for i, rec := range open {
		out[i] = r.line(rec, lang)
	}
	return out
}

// ProvisionLine is one provision the recommendations rest on: its
// citation in full and what it requires.
type ProvisionLine struct {
	Citation string
	About    string
	Refs     []string
}

// Provisions are the provisions cited by the recommendations, in the
// rulebook's order, with the recommendations citing each.
func (r *FollowUpReport) Provisions(lang string) []ProvisionLine {
	var out []ProvisionLine
	for _, p := range legal.Provisions() {
		var refs []string
		for _, rec := range r.Recommendations {
			if slices.Contains(rec.Provisions, p.ID) {
				refs = append(refs, rec.Ref())
			}
		}
		if len(refs) > 0 {
			out = append(out, ProvisionLine{Citation: r.cites.of(p.ID, lang), About: p.About[lang], Refs: refs})
		}
	}
	return out
}

// StatusTable counts recommendations by priority (rows) and status
// (columns, in Statuses order then "not yet reviewed").
type StatusTable struct {
	// Statuses are the column labels; Codes their codes.
	Statuses []string
	Codes    []string
	Rows     []StatusRow
	Totals   []int
	Total    int
}

// StatusRow is one priority's counts.
type StatusRow struct {
	Priority string
	Counts   []int
	Total    int
}

// statusColumns are the chart's columns: the statuses and "not yet
// reviewed".
func statusColumns() []Term { return append(slices.Clone([]Term(Statuses)), NotReviewed) }

// statusTable counts recs by priority and status in lang.
func statusTable(recs []Recommendation, lang string) StatusTable {
	cols := statusColumns()
	t := StatusTable{Totals: make([]int, len(cols))}
	for _, c := range cols {
		t.Statuses = append(t.Statuses, c.Label.In(lang))
		t.Codes = append(t.Codes, c.Code)
	}
	for _, pr := range Priorities.Codes() {
		row := StatusRow{Priority: Priorities.Label(pr, lang), Counts: make([]int, len(cols))}
		for _, rec := range recs {
			if rec.Priority != pr {
				continue
			}
			st := rec.Status
			if st == "" {
				st = NotReviewed.Code
			}
			i := slices.Index(t.Codes, st)
			row.Counts[i]++
			row.Total++
			t.Totals[i]++
			t.Total++
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// StatusByPriority counts the recommendations by priority and status.
func (r *FollowUpReport) StatusByPriority(lang string) StatusTable {
	return statusTable(r.Recommendations, lang)
}

// words are the report's headings and column names by key, for pages.
var words = map[string]tr{
	"particulars": wParticulars, "chart": wChart, "chart_note": wChartNote, "priority": wPriority, "total": wTotal,
	"recs": wRecs, "recs_note": wRecsNote, "ref": wRef, "finding": wFinding, "action": wAction, "target": wTarget,
	"response": wResponse, "status": wStatus, "law": wLaw, "guidance": wGuidanceCol, "recs_none": wRecsNone,
	"open": wOpen, "open_note": wOpenNote, "area": wAreaCol, "nothing_open": wNothingOpen, "provisions": wProvisions,
	"about": wAboutCol, "recs_col": wRecsCol, "none": wNone, "notes_in_en": wNotesInEN,
}

// Word is the report's word for key in lang, for pages that show the
// report as the party reads it; an unknown key is returned as it is.
func Word(key, lang string) string {
	if w, ok := words[key]; ok {
		return w.in(lang)
	}
	return key
}
