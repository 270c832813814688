package reports

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

// Requests a report makes: MaxRequests at most (the themes found, up to
// MaxRequests-1, and the closing request), and MinRequests unless the
// complaints raised fewer matters, which the report then says.
const (
	MinRequests = 4
	MaxRequests = 6
)

// What makes a provision set a party's complaints apart (Distinctions):
// at least DistinctMinCount of the party's assessed complaints concern
// it, and the party's share is at least DistinctRatio times the share
// across all parties and DistinctMinPoints percentage points above it.
// The minimum count keeps one or two complaints of a small party from
// looking like a pattern; the ratio and the difference keep a provision
// every party's complaints concern (consent for texts, in most
// elections) from being reported as special to each.
const (
	DistinctMinCount  = 5
	DistinctRatio     = 1.5
	DistinctMinPoints = 10
	DistinctShown     = 3
)

// PartyLanguages returns the languages a party's report and letter are
// written in: Welsh and English (Welsh first) when any active contact of
// the party reads Welsh, its own language or, when it has none, the
// party's default (both where the party stands in Wales); else English.
func (s *Store) PartyLanguages(ctx context.Context, tx pgx.Tx, partyID int64) ([]string, error) {
	langs, err := dbsqlc.New(tx).PartyReaderLanguages(ctx, partyID)
	if err != nil {
		return nil, err
	}
	for _, l := range langs {
		if l == "cy" || l == "both" {
			return outreach.Languages("both"), nil
		}
	}
	return []string{"en"}, nil
}

// Bilingual reports whether the report is in Welsh and English.
func (r *PartyReport) Bilingual() bool { return slices.Contains(r.Languages, "cy") }

// Title is the report's title in lang, which the follow-up letter names.
func (r *PartyReport) Title(lang string) string {
	return wTitle.f(lang, r.Party.Name, r.Election.Name)
}

// Distinction is a provision a party's complaints concern notably more
// often than all parties' complaints do.
type Distinction struct {
	Provision string
	Count     int
	Of        int
	// Rate and Average are the party's share and the share across all
	// parties, as fractions.
	Rate, Average float64
}

func percent(f float64) int { return int(math.Round(f * 100)) }

// Sentence says the distinction in lang, citing the provision.
func (d Distinction) Sentence(lang string) string {
	what, cite := about(d.Provision, lang)
	return wApartLine.f(lang, d.Count, d.Of, percent(d.Rate), withA(what, lang), cite, percent(d.Average))
}

// Short is the overview's brief form: what it is about, the party's share
// and the average.
func (d Distinction) Short() string {
	what, cite := about(d.Provision, "en")
	if what == "" {
		what = cite
	}
	if what != "" {
		what = strings.ToUpper(what[:1]) + what[1:]
	}
	return fmt.Sprintf("%s: %d%% against %d%%", what, percent(d.Rate), percent(d.Average))
}

// Distinctions are the provisions where party's share of assessed
// complaints is highest against all parties' (see DistinctMinCount), at
// most DistinctShown, the most distinctive first. With fewer than two
// parties there is nothing to compare with.
func Distinctions(party, all PartyFigures, parties int) []Distinction {
	if parties < 2 || party.Assessed() == 0 || all.Assessed() == 0 {
		return nil
	}
	var out []Distinction
	for id, n := range party.Provisions {
		rate := float64(n) / float64(party.Assessed())
		avg := float64(all.Provisions[id]) / float64(all.Assessed())
		if n < DistinctMinCount || rate < DistinctRatio*avg || percent(rate)-percent(avg) < DistinctMinPoints {
			continue
		}
		out = append(out, Distinction{Provision: id, Count: n, Of: party.Assessed(), Rate: rate, Average: avg})
	}
	slices.SortFunc(out, func(a, b Distinction) int {
		ra, rb := a.Rate/math.Max(a.Average, 1e-9), b.Rate/math.Max(b.Average, 1e-9)
		if ra != rb {
			if ra > rb {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Provision, b.Provision)
	})
	return out[:min(len(out), DistinctShown)]
}

// Apart is what sets this party's complaints apart.
func (r *PartyReport) Apart() []Distinction {
	return Distinctions(r.Figures, r.AllParties, 2)
}

// Request is one thing the report asks the party to do, tied to the
// figure that calls for it.
type Request struct {
	// Figure says what the complaints showed ("41 of your 63 complaints
	// were ..."), Do what to do.
	Figure, Do string
	// Law is the citations of the provisions concerned, in running text;
	// "" when none.
	Law string
	// Guidance is the library document that explains how, when the
	// settings have it.
	Guidance *organisation.Reference
}

// Requests are the report's requests in lang, most pressing first (see
// MinRequests).
func (r *PartyReport) Requests(lang string) []Request {
	var out []Request
	for _, tc := range r.Themes {
		if len(out) == MaxRequests-1 {
			break
		}
		i := slices.IndexFunc(themes, func(t theme) bool { return t.key == tc.Key })
		th := themes[i]
		req := Request{Figure: th.what.f(lang, tc.Count, r.Total()), Do: th.do.in(lang)}
		req.Law = citeAll(tc.Provisions[:min(len(tc.Provisions), 3)], lang)
		req.Guidance = r.reference(th.ref)
		out = append(out, req)
	}
	if r.Total() > 0 {
		out = append(out, Request{Do: closingRequest.f(lang, r.Total())})
	}
	return out
}

// FewerRequestsNote says why there are fewer than MinRequests requests;
// "" when there are enough.
func (r *PartyReport) FewerRequestsNote(lang string) string {
	if n := len(r.Requests(lang)); n < MinRequests {
		return fewerRequests.f(lang, n)
	}
	return ""
}

// reference is the settings' library document with key, or nil.
func (r *PartyReport) reference(key string) *organisation.Reference {
	org := r.Org
	if org == nil {
		org = organisation.Defaults(nil)
	}
	ref, ok := org.Reference(key)
	if !ok {
		return nil
	}
	return &ref
}

// GuidanceLine is one guidance point the party's complaints engaged: what
// the guidance asks, in our words, and where to read it.
type GuidanceLine struct {
	Asks  string
	Count int
	Ref   *organisation.Reference
}

// GuidanceLines are the guidance points engaged, most often first.
func (r *PartyReport) GuidanceLines(lang string) []GuidanceLine {
	var out []GuidanceLine
	for id, n := range r.Figures.Guidance {
		g, ok := guidancePoints[id]
		if !ok || n == 0 {
			continue
		}
		out = append(out, GuidanceLine{Asks: g.asks.in(lang), Count: n, Ref: r.reference(g.ref)})
	}
	slices.SortFunc(out, func(a, b GuidanceLine) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Asks, b.Asks)
	})
	return out
}

// ProvisionLine is one provision the party's complaints concern.
type ProvisionLine struct {
	Citation, About string
	Count           int
}

// ProvisionLines are the provisions engaged, most often first.
func (r *PartyReport) ProvisionLines(lang string) []ProvisionLine {
	var out []ProvisionLine
	for id, n := range r.Figures.Provisions {
		if n == 0 {
			continue
		}
		what, cite := about(id, lang)
		out = append(out, ProvisionLine{Citation: cite, About: what, Count: n})
	}
	slices.SortFunc(out, func(a, b ProvisionLine) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Citation, b.Citation)
	})
	return out
}

// ChannelLines are the complaints by channel, in the vocabulary's order.
func (r *PartyReport) ChannelLines(lang string) []Count {
	var out []Count
	labels := vocab.ChannelLabels(lang)
	for _, ch := range vocab.ChannelCodes() {
		if n := r.Figures.ByChannel[ch]; n > 0 {
			out = append(out, Count{Label: labels[ch], Count: n})
		}
	}
	return out
}

// WeekLines are the complaints by week.
func (r *PartyReport) WeekLines(lang string) []Count {
	out := make([]Count, len(r.Weeks))
	for i, w := range r.Weeks {
		out[i] = Count{Label: wWeekOf.f(lang, vocab.FormatDate(w.Week, lang)), Count: w.Count}
	}
	return out
}

// SummaryLines are the report's summary paragraphs in lang: the total,
// repeats, complaints not yet assessed and those out of scope.
func (r *PartyReport) SummaryLines(lang string) []string {
	f := r.Figures
	out := []string{wTotal.f(lang, f.Reported, r.Party.Name)}
	if f.Repeats > 0 {
		out = append(out, wRepeats.f(lang, f.Repeats))
	}
	if f.Untriaged > 0 {
		out = append(out, wUntriaged.f(lang, f.Untriaged))
	}
	if n := r.OutOfScopeNote(lang); n != "" {
		out = append(out, n)
	}
	return out
}

// ComplaintSummary is the letter's summary paragraph in lang: the main
// channels and the matters raised most often, with their citations.
func (r *PartyReport) ComplaintSummary(lang string) string {
	var parts []string
	chs := r.ChannelLines(lang)
	slices.SortStableFunc(chs, func(a, b Count) int { return b.Count - a.Count })
	var cs []string
	for _, c := range chs[:min(3, len(chs))] {
		cs = append(cs, fmt.Sprintf("%s (%d)", lowerFirst(c.Label), c.Count))
	}
	if len(cs) > 0 {
		parts = append(parts, wMainChannels.f(lang, joinAnd(cs, lang)))
	}
	var ps []string
	for _, p := range r.ProvisionLines(lang)[:min(3, len(r.ProvisionLines(lang)))] {
		ps = append(ps, wInN.f(lang, p.About, p.Citation, p.Count))
	}
	if len(ps) > 0 {
		parts = append(parts, wMostOften.f(lang, joinAnd(ps, lang)))
	}
	if r.Figures.Untriaged > 0 {
		parts = append(parts, wUntriaged.f(lang, r.Figures.Untriaged))
	}
	if n := r.OutOfScopeNote(lang); n != "" {
		parts = append(parts, n)
	}
	return strings.Join(parts, " ")
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// markdownLink is a Markdown link to ref in lang.
func markdownLink(ref *organisation.Reference, lang string) string {
	return "[" + ref.TitleIn(lang) + "](" + ref.URLIn(lang) + ")"
}

// RequestsMarkdown is the letter's Requests field in lang: an ordered
// list, each request its figure, what to do, and the law and guidance.
func (r *PartyReport) RequestsMarkdown(lang string) string {
	var b strings.Builder
	for i, q := range r.Requests(lang) {
		b.WriteString(strconv.Itoa(i+1) + ". ")
		if q.Figure != "" {
			b.WriteString(q.Figure + " ")
		}
		b.WriteString(q.Do)
		if tail := q.lawSentence(lang, markdownLink); tail != "" {
			b.WriteString(" " + tail)
		}
		b.WriteString("\n")
	}
	if n := r.FewerRequestsNote(lang); n != "" {
		b.WriteString("\n" + n + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// lawSentence is the request's closing sentence: the law it rests on and
// the guidance that explains it, the guidance written by link.
func (q Request) lawSentence(lang string, link func(*organisation.Reference, string) string) string {
	switch {
	case q.Law != "" && q.Guidance != nil:
		return wRequestLaw.f(lang, fromO(q.Law, lang), link(q.Guidance, lang))
	case q.Guidance != nil:
		return wRequestLaw0.f(lang, link(q.Guidance, lang))
	}
	return ""
}

// LetterFields are the follow-up template's own fields for the report in
// lang (spec: ComplaintCount, ComplaintSummary, Requests, ReplyBy,
// Report).
func (r *PartyReport) LetterFields(lang string) map[string]string {
	replyBy := ""
	if !r.ReplyBy.IsZero() {
		replyBy = vocab.FormatDate(r.ReplyBy, lang)
	}
	return map[string]string{
		"ComplaintCount":   strconv.Itoa(r.Total()),
		"ComplaintSummary": r.ComplaintSummary(lang),
		"Requests":         r.RequestsMarkdown(lang),
		"ReplyBy":          replyBy,
		"Report":           r.Title(lang),
	}
}

// Period says the dates the report covers and when it was produced, in
// lang.
func (r *PartyReport) Period(lang string) string {
	return wPeriod.f(lang, vocab.FormatDate(r.From, lang), vocab.FormatDate(r.To, lang), vocab.FormatDate(r.Election.PollingDay, lang),
		vocab.FormatDate(r.GeneratedAt.In(vocab.London), lang))
}

// ExampleHead is an example's heading: its channel and when it came.
func (r *PartyReport) ExampleHead(ex Example, lang string) string {
	return wExampleHead.f(lang, vocab.ChannelLabels(lang)[ex.Channel], vocab.FormatDate(ex.ReceivedAt.In(vocab.London), lang))
}

// Words are the report's headings and fixed sentences in lang, for the
// HTML page, by name.
func Words(lang string) map[string]string {
	return map[string]string{
		"NoPersonal": wNoPersonal.in(lang), "Summary": wSummary.in(lang), "ByChannel": wByChannel.in(lang), "ChannelNote": wChannelNote.in(lang),
		"Channel": wChannel.in(lang), "Complaints": wComplaints.in(lang), "ByWeek": wByWeek.in(lang), "Week": wWeek.in(lang),
		"Law": wLaw.in(lang), "LawNote": wLawNote.in(lang), "Provision": wProvision.in(lang), "About": wAbout.in(lang),
		"Guidance": wGuidance.in(lang), "GuidanceCol": wGuidanceCol.in(lang), "Apart": wApart.in(lang), "ApartNone": wApartNone.in(lang),
		"ApartHow": wApartHow.f(lang, DistinctMinCount, strconv.FormatFloat(DistinctRatio, 'f', -1, 64), DistinctMinPoints),
		"Senders":  wSenders.in(lang), "Sender": wSender.in(lang), "NoSenders": wNoSenders.in(lang), "Examples": wExamples.in(lang),
		"Requests": wRequests.in(lang), "None": wNone.in(lang), "NoneYet": wNoneYet.in(lang), "HowToComply": wHowToComply.in(lang),
	}
}

// LawSentence says the law the request rests on, for the HTML page (which
// links the guidance after it); "" when none.
func (q Request) LawSentence(lang string) string {
	if q.Law == "" {
		return ""
	}
	return wLawOnThis.f(lang, fromO(q.Law, lang))
}
