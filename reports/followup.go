package reports

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/redact"
	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

// Party is a party a report is about.
type Party struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// CodeCount is how many complaints engaged one provision or guidance
// point, with what it says.
type CodeCount struct {
	Code  string `json:"code"`
	Title string `json:"title"`
	Count int    `json:"count"`
}

// Example is one complaint's message, redacted, as an illustration.
type Example struct {
	Reference  string    `json:"reference"`
	Channel    string    `json:"channel"`
	ReceivedAt time.Time `json:"received_at"`
	Priority   string    `json:"priority"`
	Text       string    `json:"text"`
}

// PartyReport is the follow-up report on the complaints about one party
// in one election: what the follow-up letter attaches.
type PartyReport struct {
	Election    *Election   `json:"election"`
	Party       Party       `json:"party"`
	GeneratedAt time.Time   `json:"generated_at"`
	From        time.Time   `json:"from"`
	To          time.Time   `json:"to"`
	Total       int         `json:"total"`
	Duplicates  int         `json:"duplicates"`
	Untriaged   int         `json:"untriaged"`
	ByChannel   []Count     `json:"by_channel"`
	ByWeek      []Count     `json:"by_week"`
	ByPriority  []Count     `json:"by_priority"`
	Provisions  []CodeCount `json:"provisions"`
	Guidance    []CodeCount `json:"guidance"`
	Senders     []Cluster   `json:"senders"`
	Examples    []Example   `json:"examples"`
	Outcomes    []Count     `json:"outcomes"`
	Asks        []string    `json:"asks"`
	// OutOfScope counts the complaints naming the party that triage found
	// another body handles (voter ID, scams, broadcasts...). They are not
	// about the party's processing of personal data, so no other figure
	// of the report counts them; Referrals splits them by body.
	OutOfScope int     `json:"out_of_scope"`
	Referrals  []Count `json:"referrals"`
	Rulebook   string  `json:"rulebook_version"`
}

// ExamplesShown is the most example messages a report quotes.
const ExamplesShown = 5

// SendersShown is the most senders a report lists.
const SendersShown = 5

// asks are what we ask a party to do when complaints engaged a provision,
// in our own words. Several provisions may lead to the same ask, which
// the report then makes once.
var asks = map[string]string{
	"PECR-6":       "Check that cookies, tracking pixels and similar technologies on your websites and in your emails are only used with people's consent.",
	"PECR-19":      "Stop automated (recorded) calls to anyone who has not specifically agreed to receive them from you, and keep a record of each agreement.",
	"PECR-21":      "Screen live call lists against the Telephone Preference Service and your own list of people who asked not to be called, before every calling campaign.",
	"PECR-22":      "Only send campaign texts, emails and direct messages to people who have given you consent, and keep a record of when and how each consent was given.",
	"PECR-23":      "Make sure every campaign message says clearly that it comes from your party and gives a simple, free way to opt out.",
	"PECR-24":      "Make sure callers say who they are calling for, and that recorded calls give an address or freephone number.",
	"UKGDPR-5-1-a": "Review whether the ways you obtain and use contact details would surprise the people concerned, and explain them openly.",
	"UKGDPR-5-1-f": "Review how campaign data is secured, including access by volunteers and the tools they use.",
	"UKGDPR-6":     "Identify and record the lawful basis for each use of personal data in your campaigning.",
	"UKGDPR-9":     "Identify the condition you rely on before using information that reveals or infers political opinions or other special category data.",
	"UKGDPR-13":    "Tell people, when you collect their details, who you are, what you will do with their data and how to object.",
	"UKGDPR-14":    "Tell people where you obtained their details when they did not give them to you, within a month at the latest.",
	"UKGDPR-21":    "Act promptly on every request to stop direct marketing, across every channel and every part of your organisation.",
	"UKGDPR-22":    "Check that no decision with significant effects on people is made solely by automated means without the required safeguards.",
	"UKGDPR-26":    "Agree and record who is responsible for what when you share campaign data with candidates, local parties or suppliers.",
	"UKGDPR-32":    "Review the technical and organisational measures that keep campaign data secure.",
	"UKGDPR-33":    "Check whether any incident described in these complaints is a personal data breach you must report to us.",
	"UKGDPR-34":    "Consider whether people affected by any breach need to be told, and tell them without undue delay if so.",
	"UKGDPR-35":    "Carry out or update a data protection impact assessment for profiling and targeting activities.",
	"BCC":          "Use blind copy or a bulk-mail service for emails to many people, and check the recipient field before sending.",
}

// defaultAsk is made of every party with complaints, whatever they engaged.
const defaultAsk = "Look into the complaints summarised in this report, and tell us what you found and what you have changed as a result."

// Titles of provisions and guidance points, from the embedded rulebook.
var codeTitles = func() map[string]string {
	m := map[string]string{}
	rb, err := triage.DefaultRulebook()
	if err != nil {
		return m
	}
	for _, p := range rb.Provisions {
		m[p.ID] = p.Title
	}
	for _, g := range rb.Guidance {
		m[g.ID] = g.Text
	}
	return m
}()

// CodeTitle is what a provision or guidance point says, or "" when the
// rulebook does not know it.
func CodeTitle(code string) string { return codeTitles[code] }

// Party reads one party.
func (s *Store) Party(ctx context.Context, q pgx.Tx, id int64) (*Party, error) {
	r, err := dbsqlc.New(q).GetParty(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no party %d.", id)
	}
	return &Party{ID: r.ID, Name: r.Name}, err
}

// PartyReport builds the follow-up report on party partyID in election
// electionID. Every figure comes from one snapshot.
func (s *Store) PartyReport(ctx context.Context, electionID, partyID int64) (*PartyReport, error) {
	var rep *PartyReport
	err := s.Snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		rep, err = s.partyReport(ctx, tx, electionID, partyID)
		return err
	})
	return rep, err
}

func (s *Store) partyReport(ctx context.Context, tx pgx.Tx, electionID, partyID int64) (*PartyReport, error) {
	p, err := s.Party(ctx, tx, partyID)
	if err != nil {
		return nil, err
	}
	f := Filter{ElectionID: electionID, PartyIDs: []int64{partyID}, inScope: true}
	t, err := s.Trends(ctx, tx, f)
	if err != nil {
		return nil, err
	}
	out, err := s.Trends(ctx, tx, Filter{ElectionID: electionID, PartyIDs: []int64{partyID}, outOfScope: true})
	if err != nil {
		return nil, err
	}
	rep := &PartyReport{Election: t.Election, Party: *p, GeneratedAt: t.GeneratedAt, From: t.From, To: t.To,
		Total: t.Total, Duplicates: t.Duplicates, Untriaged: t.Untriaged, Rulebook: t.RulebookVersion,
		OutOfScope: out.OutOfScope, Referrals: out.Referrals}
	for _, ch := range vocab.ChannelCodes() {
		if n := t.ByChannel[ch]; n > 0 {
			rep.ByChannel = append(rep.ByChannel, Count{Label: vocab.ChannelLabel(ch), Count: n})
		}
	}
	for _, pr := range vocab.PriorityCodes() {
		if n := t.ByPriority[pr]; n > 0 {
			rep.ByPriority = append(rep.ByPriority, Count{Label: vocab.PriorityLabel(pr), Count: n})
		}
	}
	if t.Untriaged > 0 {
		rep.ByPriority = append(rep.ByPriority, Count{Label: vocab.Untriaged.Label.EN, Count: t.Untriaged})
	}
	engaged := map[string]bool{}
	for _, c := range t.Codes {
		cc := CodeCount{Code: c.Code, Title: CodeTitle(c.Code), Count: c.Total}
		engaged[c.Code] = true
		if c.Kind == "provision" {
			rep.Provisions = append(rep.Provisions, cc)
		} else {
			rep.Guidance = append(rep.Guidance, cc)
		}
	}
	byCount := func(a, b CodeCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Code, b.Code)
	}
	slices.SortStableFunc(rep.Provisions, byCount)
	slices.SortStableFunc(rep.Guidance, byCount)
	rep.Senders = t.Clusters[:min(len(t.Clusters), SendersShown)]

	if err := eachRow(ctx, tx, f.query("party_weeks"), func(r pgx.Rows) error {
		var wk time.Time
		var n int
		if err := r.Scan(&wk, &n); err != nil {
			return err
		}
		rep.ByWeek = append(rep.ByWeek, Count{Label: "Week of " + wk.Format("2 January 2006"), Count: n})
		return nil
	}); err != nil {
		return nil, err
	}

	standings := vocab.ReportStandings(vocab.English)
	if err := eachRow(ctx, tx, f.query("party_outcomes"), func(r pgx.Rows) error {
		var o string
		var n int
		if err := r.Scan(&o, &n); err != nil {
			return err
		}
		label := standings[o]
		if label == "" {
			label = o
		}
		rep.Outcomes = append(rep.Outcomes, Count{Label: label, Count: n})
		return nil
	}); err != nil {
		return nil, err
	}

	// Examples: the most pressing complaints with a message, one per
	// sender so five examples are not five copies of one campaign.
	if err := eachRow(ctx, tx, f.query("party_examples").Bind("limit", ExamplesShown, "priorities", vocab.PriorityCodes()), func(r pgx.Rows) error {
		var ex Example
		var msg string
		var who Complainant
		if err := r.Scan(&ex.Reference, &ex.Channel, &ex.ReceivedAt, &ex.Priority, &msg, &who.Name, &who.Email, &who.Phone, &who.Postcode, &who.Contacted); err != nil {
			return err
		}
		ex.Text = redact.Text(truncateRunes(msg, 600), who)
		rep.Examples = append(rep.Examples, ex)
		return nil
	}); err != nil {
		return nil, err
	}

	seen := map[string]bool{}
	for _, c := range append(slices.Clone(rep.Provisions), rep.Guidance...) {
		if a := asks[c.Code]; a != "" && !seen[a] {
			seen[a] = true
			rep.Asks = append(rep.Asks, a)
		}
	}
	rep.Asks = append(rep.Asks, defaultAsk)
	return rep, nil
}

// OutOfScopeNote says how many complaints naming the party were left
// out of the report because another body handles them, and to whom they
// were referred; "" when there were none.
func (r *PartyReport) OutOfScopeNote() string {
	if r.OutOfScope == 0 {
		return ""
	}
	var to []string
	for _, c := range r.Referrals {
		to = append(to, fmt.Sprintf("%s (%d)", c.Label, c.Count))
	}
	n := "1 further complaint naming %s was"
	if r.OutOfScope != 1 {
		n = fmt.Sprint(r.OutOfScope) + " further complaints naming %s were"
	}
	return fmt.Sprintf(n+" about matters that another body handles rather than about how the party uses personal data, "+
		"so this report does not count them. They were referred to: %s.", r.Party.Name, strings.Join(to, "; "))
}

// truncateRunes cuts s to at most n runes, marking the cut. It runs
// before redaction, so a cut cannot split a phone number into a part the
// patterns no longer recognise at the end; the name and the exact values
// are still removed wherever they appear.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + " [...]"
}

// ElectionParty is one party's line in the election overview.
type ElectionParty struct {
	PartyCounts
	Urgent, High int
	Closed       int
	TopProvision string
}

// ElectionReport is every party's complaints in one election, side by
// side.
type ElectionReport struct {
	*Trends
	Rows []ElectionParty
	// FollowUpBatch is the election's follow-up batch, 0 when none has
	// been drafted.
	FollowUpBatch int64
}

// ElectionReport builds the overview of election electionID.
func (s *Store) ElectionReport(ctx context.Context, electionID int64) (*ElectionReport, error) {
	var rep *ElectionReport
	err := s.Snapshot(ctx, func(tx pgx.Tx) error {
		t, err := s.Trends(ctx, tx, Filter{ElectionID: electionID})
		if err != nil {
			return err
		}
		rep = &ElectionReport{Trends: t}
		extra := map[int64]*ElectionParty{}
		for _, p := range t.Parties {
			rep.Rows = append(rep.Rows, ElectionParty{PartyCounts: p})
		}
		for i := range rep.Rows {
			extra[rep.Rows[i].PartyID] = &rep.Rows[i]
		}
		q := dbsqlc.New(tx)
		figures, err := q.ElectionPartyFigures(ctx, electionID)
		if err != nil {
			return err
		}
		for _, r := range figures {
			if e := extra[r.PartyID]; e != nil {
				e.Urgent, e.High, e.Closed = int(r.Urgent), int(r.High), int(r.Closed)
			}
		}
		top, err := q.ElectionTopProvisions(ctx, electionID)
		if err != nil {
			return err
		}
		for _, r := range top {
			if e := extra[r.PartyID]; e != nil {
				e.TopProvision = r.Code
			}
		}
		rep.FollowUpBatch, err = q.FollowUpBatchID(ctx, electionID)
		return err
	})
	return rep, err
}
