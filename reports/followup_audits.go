package reports

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/redact"
)

// A party's follow-up report after an election checks the election's
// complaints against the party's open audit recommendations: a complaint
// that touches the area of a recommendation the party has yet to complete
// is evidence that the risk the audit found is still real.

// AuditRecommendation is one of a party's open audit recommendations, as
// the audit programme gives it to the report (AuditSource). Labels come
// with it in both languages, so the report needs nothing of the
// programme's vocabulary.
type AuditRecommendation struct {
	// Ref is how the party knows it ("R7"); AuditYear the year of its
	// audit.
	Ref       string
	AuditYear int
	// Area and AreaCY are the area's label in English and Welsh.
	Area   string
	AreaCY string
	// Priority is a code of the triage priorities (the same four levels).
	Priority string
	// Action is what the party was asked to do; ActionCY its Welsh, empty
	// when it has none.
	Action   string
	ActionCY string
	// Provisions are the provisions (legal-reference ids) whose
	// complaints touch the recommendation: its own and its area's.
	// Channels are the complaint channels that always touch it.
	Provisions []string
	Channels   []string
}

// AuditSource gives a party's open audit recommendations, urgent first,
// read in tx: the report's own read-only snapshot, so the
// recommendations and the complaints counted against them are of the
// same moment.
type AuditSource func(ctx context.Context, tx pgx.Tx, partyID int64) ([]AuditRecommendation, error)

// UseAudits sets where party reports find the party's open audit
// recommendations; the composition root sets it once, to the audit
// programme. Without it a report has no audit section.
func (s *Store) UseAudits(src AuditSource) { s.audits = src }

// AuditLink is one open recommendation with this election's complaints
// about the party that touch it.
type AuditLink struct {
	Rec AuditRecommendation
	// Complaints counts each complaint once; ByChannel counts it once for
	// each channel it reports, as the rest of the report does.
	Complaints int
	ByChannel  map[string]int
	// Examples are a few of those complaints' messages, redacted.
	Examples []Example
}

// AuditExamplesShown is the most example messages the report quotes for
// one recommendation.
const AuditExamplesShown = 2

// auditLinks counts, in tx, the complaints of f (one party in one
// election, in scope) that touch each of the party's open
// recommendations.
func (s *Store) auditLinks(ctx context.Context, tx pgx.Tx, f Filter, partyID int64) ([]AuditLink, error) {
	if s.audits == nil {
		return nil, nil
	}
	recs, err := s.audits(ctx, tx, partyID)
	if err != nil {
		return nil, fmt.Errorf("open audit recommendations: %w", err)
	}
	var out []AuditLink
	for _, rec := range recs {
		lf := f
		lf.touches, lf.touchProvisions, lf.touchChannels = true, rec.Provisions, rec.Channels
		link := AuditLink{Rec: rec, ByChannel: map[string]int{}}
		sql, args := lf.query("count_rows").Build()
		if err := tx.QueryRow(ctx, sql, args).Scan(&link.Complaints); err != nil {
			return nil, err
		}
		if link.Complaints > 0 {
			if err := eachRow(ctx, tx, lf.query("trend_channels"), func(r pgx.Rows) error {
				var ch string
				var n int
				if err := r.Scan(&ch, &n); err != nil {
					return err
				}
				link.ByChannel[ch] = n
				return nil
			}); err != nil {
				return nil, err
			}
			if err := eachRow(ctx, tx, lf.query("party_examples").Bind("limit", AuditExamplesShown, "priorities", vocab.PriorityCodes()), func(r pgx.Rows) error {
				var ex Example
				var msg, ref string
				var who redact.Person
				if err := r.Scan(&ref, &ex.Channel, &ex.ReceivedAt, &ex.Priority, &msg, &who.Name, &who.Email, &who.Phone, &who.Postcode, &who.Contacted); err != nil {
					return err
				}
				ex.Text = redact.Text(truncateRunes(msg, 400), who)
				link.Examples = append(link.Examples, ex)
				return nil
			}); err != nil {
				return nil, err
			}
		}
		out = append(out, link)
	}
	return out, nil
}

// AuditLine is one recommendation of the report's audit section in one
// language, ready to print.
type AuditLine struct {
	Ref      string
	Area     string
	Priority string
	Action   string
	// Complaints is the number of complaints that touch it; Channels
	// those counts by channel, in words.
	Complaints int
	Channels   []Count
	Examples   []Example
}

// AuditLines are the audit section's lines in lang. The Welsh version
// quotes a recommendation's Welsh action, or, when it has none, says the
// action is in the audit report, never the English.
func (r *PartyReport) AuditLines(lang string) []AuditLine {
	labels := vocab.ChannelLabels(lang)
	var out []AuditLine
	for _, l := range r.AuditLinks {
		line := AuditLine{Ref: l.Rec.Ref, Area: l.Rec.Area, Priority: vocab.PriorityLabels(lang)[l.Rec.Priority],
			Action: l.Rec.Action, Complaints: l.Complaints, Examples: l.Examples}
		if lang == "cy" {
			line.Area, line.Action = l.Rec.AreaCY, l.Rec.ActionCY
			if line.Action == "" {
				line.Action = wAuditActionInReport.f(lang, l.Rec.AuditYear)
			}
		}
		for _, ch := range vocab.ChannelCodes() {
			if n := l.ByChannel[ch]; n > 0 {
				line.Channels = append(line.Channels, Count{Label: labels[ch], Count: n})
			}
		}
		out = append(out, line)
	}
	return out
}

// AuditSummary is the audit section's opening sentence in lang: how many
// of the party's open recommendations this election's complaints touch.
func (r *PartyReport) AuditSummary(lang string) string {
	touched := 0
	for _, l := range r.AuditLinks {
		if l.Complaints > 0 {
			touched++
		}
	}
	if len(r.AuditLinks) == 1 {
		if touched == 1 {
			return wAuditSummaryOneTouched.in(lang)
		}
		return wAuditSummaryOne.in(lang)
	}
	return wAuditSummary.f(lang, len(r.AuditLinks), touched)
}

// ChannelText is a line's counts by channel as one phrase: "Text message
// 3, Email 1".
func (l AuditLine) ChannelText() string {
	s := ""
	for i, c := range l.Channels {
		if i > 0 {
			s += ", "
		}
		s += c.Label + " " + strconv.Itoa(c.Count)
	}
	return s
}

// The audit section's words.
var (
	wAuditHeading = tr{"Your open audit recommendations", "Eich argymhellion archwilio sydd ar agor"}
	wAuditNote    = tr{"A complaint touches a recommendation when we assessed it under a provision the recommendation rests on, or one of its area, or when it was about a social media advert and the recommendation is about social media targeting. A complaint can touch more than one recommendation.",
		"Mae cwyn yn ymwneud ag argymhelliad pan wnaethom ei hasesu o dan ddarpariaeth y mae'r argymhelliad yn seiliedig arni, neu un o'i faes, neu pan oedd yn ymwneud â hysbyseb ar gyfryngau cymdeithasol a bod yr argymhelliad yn ymwneud â thargedu ar gyfryngau cymdeithasol. Gall cwyn ymwneud â mwy nag un argymhelliad."}
	// One open recommendation reads differently in both languages: "1
	// recommendation", "1 argymhelliad" (not "1 o argymhellion"), and
	// "it" rather than "of them".
	wAuditSummary = tr{"Your party has %d open recommendations from our audits; complaints in this election touch %d of them.",
		"Mae gan eich plaid %d o argymhellion ar agor o'n harchwiliadau; mae cwynion yn yr etholiad hwn yn ymwneud â %d ohonynt."}
	wAuditSummaryOne = tr{"Your party has 1 open recommendation from our audits; no complaint in this election touches it.",
		"Mae gan eich plaid 1 argymhelliad ar agor o'n harchwiliadau; nid oes yr un gŵyn yn yr etholiad hwn yn ymwneud ag ef."}
	wAuditSummaryOneTouched = tr{"Your party has 1 open recommendation from our audits, and complaints in this election touch it.",
		"Mae gan eich plaid 1 argymhelliad ar agor o'n harchwiliadau, ac mae cwynion yn yr etholiad hwn yn ymwneud ag ef."}
	wAuditRef            = tr{"Recommendation", "Argymhelliad"}
	wAuditArea           = tr{"Area", "Maes"}
	wAuditPriority       = tr{"Priority", "Blaenoriaeth"}
	wAuditAction         = tr{"What we asked you to do", "Yr hyn y gofynnwyd i chi ei wneud"}
	wAuditByChannel      = tr{"By channel", "Yn ôl sianel"}
	wAuditActionInReport = tr{"See the report of our %d audit.", "Gweler adroddiad ein harchwiliad yn %d."}
)

// AuditWords are the audit section's headings in lang, for the HTML page.
func AuditWords(lang string) map[string]string {
	return map[string]string{"Heading": wAuditHeading.in(lang), "Note": wAuditNote.in(lang), "Ref": wAuditRef.in(lang),
		"Area": wAuditArea.in(lang), "Priority": wAuditPriority.in(lang), "Action": wAuditAction.in(lang),
		"Complaints": wComplaints.in(lang), "ByChannel": wAuditByChannel.in(lang), "Examples": wExamples.in(lang)}
}
