package audits

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// Summary is the programme summary report, as the 2020 summary report
// was: key findings by area, the share of recommendations at each
// priority, progress at follow-up by party and by priority, and the good
// practice noted.
type Summary struct {
	Programme Programme
	Audits    []Audit
	// Recommendations are every audit's recommendations, by audit id.
	Recommendations map[int64][]Recommendation
	Org             *organisation.Settings
	GeneratedAt     time.Time
	cites           citations
}

// Summary builds a programme's summary report, from one read-only
// snapshot.
func (s *Service) Summary(ctx context.Context, programmeID int64) (*Summary, error) {
	var sum *Summary
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		sum, err = s.summary(ctx, tx, programmeID)
		return err
	})
	return sum, err
}

// snapshot runs fn in a read-only repeatable-read transaction, so that
// everything an output reads is of one moment.
func (s *Service) snapshot(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, fn)
}

// summary reads the programme's summary report in tx.
func (s *Service) summary(ctx context.Context, tx pgx.Tx, programmeID int64) (*Summary, error) {
	q := dbsqlc.New(tx)
	p, err := outputProgramme(ctx, q, programmeID)
	if err != nil {
		return nil, err
	}
	rows, err := q.OutputProgrammeAudits(ctx, &programmeID)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Programme: *p, GeneratedAt: time.Now()}
	var ids []int64
	for _, r := range rows {
		sum.Audits = append(sum.Audits, auditOfRow(r))
		ids = append(ids, r.ID)
	}
	if sum.Recommendations, err = s.outputRecommendations(ctx, q, ids); err != nil {
		return nil, err
	}
	for i := range sum.Audits {
		a := &sum.Audits[i]
		for _, r := range sum.Recommendations[a.ID] {
			a.Recommendations++
			if r.Open() {
				a.Open++
			}
		}
	}
	if sum.cites, err = citeAll(append([]string{"UKGDPR", "DPA-2018", "PECR"}, recProvisions(sum.all())...)...); err != nil {
		return nil, err
	}
	if sum.Org, err = s.org(ctx); err != nil {
		return nil, err
	}
	return sum, nil
}

// all is every recommendation of the programme.
func (s *Summary) all() []Recommendation {
	var out []Recommendation
	for _, a := range s.Audits {
		out = append(out, s.Recommendations[a.ID]...)
	}
	return out
}

// Total is the number of recommendations in the programme.
func (s *Summary) Total() int { return len(s.all()) }

// Name is the programme's name in lang. The Welsh name is never the
// English one: Welsh refuses the Welsh version when it is missing.
func (s *Summary) Name(lang string) string {
	if lang == "cy" {
		return s.Programme.NameCY
	}
	return s.Programme.Name
}

// Welsh checks that the Welsh version can be made: the programme's Welsh
// name, the Welsh of every key finding and of every audit's good
// practice. A missing text is refused, naming what to fill in, rather
// than printed in English inside the Welsh version. (The programme's
// description has no Welsh; the Welsh version leaves it out.)
func (s *Summary) Welsh() error {
	var missing []string
	if strings.TrimSpace(s.Programme.NameCY) == "" {
		missing = append(missing, "the programme's Welsh name")
	}
	var areas []string
	for _, f := range s.Programme.Findings {
		if strings.TrimSpace(f.Finding) != "" && strings.TrimSpace(f.FindingCY) == "" {
			areas = append(areas, Areas.Label(f.Area, "en"))
		}
	}
	if len(areas) > 0 {
		missing = append(missing, fmt.Sprintf("the Welsh key %s for %s", map[bool]string{true: "finding", false: "findings"}[len(areas) == 1], joinAnd(areas)))
	}
	var parties []string
	for _, a := range s.Audits {
		if strings.TrimSpace(a.GoodPractice) != "" && strings.TrimSpace(a.GoodPracticeCY) == "" {
			parties = append(parties, a.PartyName)
		}
	}
	if len(parties) > 0 {
		missing = append(missing, "the Welsh good practice noted in the "+map[bool]string{true: "audit", false: "audits"}[len(parties) == 1]+" of "+joinAnd(parties))
	}
	if len(missing) == 0 {
		return nil
	}
	return apperr.New(apperr.Invalid, "The Welsh version of the summary report cannot be made until you enter %s.", joinAnd(missing))
}

// Percent is n as a whole percentage of total: math.Round(100*n/total),
// 0 when there is nothing to count.
func Percent(n, total int) int {
	if total == 0 {
		return 0
	}
	return int(math.Round(100 * float64(n) / float64(total)))
}

// Share is a count with its percentage of the programme's
// recommendations.
type Share struct {
	Label   string
	Count   int
	Percent int
}

// PriorityShares are the recommendations at each priority, urgent first.
func (s *Summary) PriorityShares(lang string) []Share {
	all := s.all()
	var out []Share
	for _, pr := range Priorities.Codes() {
		n := 0
		for _, r := range all {
			if r.Priority == pr {
				n++
			}
		}
		out = append(out, Share{Label: Priorities.Label(pr, lang), Count: n, Percent: Percent(n, len(all))})
	}
	return out
}

// UrgentOrHigh is the combined share of urgent and high recommendations.
func (s *Summary) UrgentOrHigh() Share {
	all := s.all()
	n := 0
	for _, r := range all {
		if r.Priority == "urgent" || r.Priority == "high" {
			n++
		}
	}
	return Share{Label: wUrgentOrHigh.in("en"), Count: n, Percent: Percent(n, len(all))}
}

var (
	wUrgentOrHigh = tr{"Urgent or high", "Brys neu uchel"}
	wHeadline     = tr{"%d%% of the %s were urgent or high priority.", "Roedd %d%% o'r %s yn rhai brys neu flaenoriaeth uchel."}
	wLawIntro     = tr{"The audits assessed how far each party complied with %s, %s and %s.",
		"Aseswyd yr archwiliadau i ba raddau yr oedd pob plaid yn cydymffurfio â'r deddfau canlynol: %s; %s; %s."}
)

// Headline is the combined share as a sentence: "70% of the 40
// recommendations were urgent or high priority."
func (s *Summary) Headline(lang string) string {
	u := s.UrgentOrHigh()
	return wHeadline.f(lang, u.Percent, counted(s.Total(), wRec, wRecsN, lang))
}

// LawSentence names the law the audits assessed, in full: the summary is
// published.
func (s *Summary) LawSentence(lang string) string {
	return wLawIntro.f(lang, s.cites.of("UKGDPR", lang), s.cites.of("DPA-2018", lang), s.cites.of("PECR", lang))
}

// FindingLine is one area's key finding and how many recommendations
// fall in it.
type FindingLine struct {
	// Lang is the language of the line's words.
	Lang    string
	Area    string
	Finding string
	Count   int
	Percent int
}

// KeyFindings are the areas in Areas order that have a key finding or
// recommendations.
func (s *Summary) KeyFindings(lang string) []FindingLine {
	all := s.all()
	var out []FindingLine
	for _, area := range Areas.Codes() {
		l := FindingLine{Lang: lang, Area: Areas.Label(area, lang)}
		for _, f := range s.Programme.Findings {
			if f.Area == area {
				l.Finding = f.Finding
				if lang == "cy" {
					l.Finding = f.FindingCY
				}
			}
		}
		for _, r := range all {
			if r.Area == area {
				l.Count++
			}
		}
		l.Percent = Percent(l.Count, len(all))
		if l.Count > 0 || l.Finding != "" {
			out = append(out, l)
		}
	}
	return out
}

// PartyProgress is one party's recommendations by follow-up status.
type PartyProgress struct {
	Party      string
	Assurance  string
	Conclusion string
	Counts     []int
	Total      int
}

// ProgressByParty counts each audit's recommendations by status (the
// columns of ProgressByPriority).
func (s *Summary) ProgressByParty(lang string) []PartyProgress {
	cols := statusColumns()
	var out []PartyProgress
	for _, a := range s.Audits {
		pp := PartyProgress{Party: a.PartyName, Assurance: Assurance.Label(a.Assurance, lang), Conclusion: Conclusions.Label(a.Conclusion, lang),
			Counts: make([]int, len(cols))}
		for _, r := range s.Recommendations[a.ID] {
			st := r.Status
			if st == "" {
				st = NotReviewed.Code
			}
			for i, c := range cols {
				if c.Code == st {
					pp.Counts[i]++
				}
			}
			pp.Total++
		}
		out = append(out, pp)
	}
	return out
}

// ProgressByPriority counts the programme's recommendations by priority
// and status.
func (s *Summary) ProgressByPriority(lang string) StatusTable { return statusTable(s.all(), lang) }

// GoodPractice is the good practice one audit noted.
type GoodPractice struct {
	Party string
	Text  string
}

// GoodPractices are the audits' notes of good practice, in lang (an
// audit with no note in lang is left out).
func (s *Summary) GoodPractices(lang string) []GoodPractice {
	var out []GoodPractice
	for _, a := range s.Audits {
		t := a.GoodPractice
		if lang == "cy" {
			t = a.GoodPracticeCY
		}
		if strings.TrimSpace(t) != "" {
			out = append(out, GoodPractice{Party: a.PartyName, Text: t})
		}
	}
	return out
}
