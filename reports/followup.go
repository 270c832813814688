package reports

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/redact"
	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

// Party is a party a report is about.
type Party struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Example is one complaint's message, redacted, as an illustration. It
// carries no reference: a party cannot trace it to a person.
type Example struct {
	Channel    string    `json:"channel"`
	ReceivedAt time.Time `json:"received_at"`
	Priority   string    `json:"-"`
	Text       string    `json:"text"`
}

// WeekCount is one week's complaints.
type WeekCount struct {
	Week  time.Time `json:"week"`
	Count int       `json:"count"`
}

// ThemeCount is how many of the party's complaints called for one
// request, and how many of those were urgent or high priority.
type ThemeCount struct {
	Key     string `json:"key"`
	Count   int    `json:"count"`
	Serious int    `json:"serious"`
	// Provisions and Guidance are the theme's ids the party's complaints
	// engaged, most engaged first.
	Provisions []string `json:"provisions"`
	Guidance   []string `json:"guidance"`
	score      int
}

// PartyReport is the follow-up report on the complaints about one party
// in one election: what the follow-up letter attaches and its fields.
// Every count comes from Figures (this party's PartyFigures) or, for the
// comparisons, AllParties, computed once in one snapshot.
type PartyReport struct {
	Election    *Election `json:"election"`
	Party       Party     `json:"party"`
	GeneratedAt time.Time `json:"generated_at"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	// Figures are the party's counts; AllParties the election's, across
	// every party identified, for the comparisons.
	Figures    PartyFigures `json:"figures"`
	AllParties PartyFigures `json:"all_parties"`
	Weeks      []WeekCount  `json:"weeks"`
	Senders    []Cluster    `json:"senders"`
	Examples   []Example    `json:"examples"`
	Themes     []ThemeCount `json:"themes"`
	// AuditLinks are the party's open audit recommendations with the
	// complaints that touch each; empty when it has none.
	AuditLinks []AuditLink `json:"audit_links,omitempty"`
	// Languages the report is written in, Welsh first when any contact of
	// the party reads Welsh (PartyLanguages).
	Languages []string `json:"languages"`
	// ReplyBy is the day the letter asks for a reply by; zero when the
	// report is not for a letter.
	ReplyBy time.Time `json:"reply_by,omitzero"`
	// Org is the regulator's settings in force, for the guidance links.
	Org *organisation.Settings `json:"-"`
	// Rulebook is the triage rulebook version, for staff only.
	Rulebook string `json:"rulebook_version"`
}

// Total is the number of complaints the report counts.
func (r *PartyReport) Total() int { return r.Figures.Reported }

// ExamplesShown is the most example messages a report quotes.
const ExamplesShown = 5

// SendersShown is the most senders a report lists.
const SendersShown = 5

// Party reads one party.
func (s *Store) Party(ctx context.Context, q pgx.Tx, id int64) (*Party, error) {
	r, err := dbsqlc.New(q).GetParty(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no party %d.", id)
	}
	return &Party{ID: r.ID, Name: r.Name}, err
}

// org returns the settings in force.
func (s *Store) orgSettings(ctx context.Context) (*organisation.Settings, error) {
	if s.org == nil {
		return organisation.Defaults(nil), nil
	}
	return s.org.Current(ctx)
}

// PartyReport builds the follow-up report on party partyID in election
// electionID. Every figure comes from one snapshot.
func (s *Store) PartyReport(ctx context.Context, electionID, partyID int64) (*PartyReport, error) {
	org, err := s.orgSettings(ctx)
	if err != nil {
		return nil, err
	}
	var rep *PartyReport
	err = s.Snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		rep, err = s.partyReport(ctx, tx, electionID, partyID)
		return err
	})
	if rep != nil {
		rep.Org = org
	}
	return rep, err
}

func (s *Store) partyReport(ctx context.Context, tx pgx.Tx, electionID, partyID int64) (*PartyReport, error) {
	p, err := s.Party(ctx, tx, partyID)
	if err != nil {
		return nil, err
	}
	e, err := s.Election(ctx, tx, electionID)
	if err != nil {
		return nil, err
	}
	// The figures of every party, once: the party's own and the election's
	// across all parties come from the same rows (as in Trends).
	t := &Trends{}
	if t.Figures, t.AllParties, err = partyFigures(ctx, tx, Filter{ElectionID: electionID}); err != nil {
		return nil, err
	}
	rep := &PartyReport{Election: e, Party: *p, GeneratedAt: s.now(), From: e.AnnouncedOn, To: e.FollowUpOn(),
		Figures: t.FiguresFor(partyID), AllParties: t.AllParties}
	rep.Figures.Party = p.Name
	// Once letters are drafted, the report says the batch's reply date,
	// as the copy attached to them does.
	if b, err := dbsqlc.New(tx).FollowUpBatch(ctx, electionID); err != nil {
		return nil, err
	} else if b.ReplyBy != nil {
		rep.ReplyBy = *b.ReplyBy
	}
	if rep.Languages, err = s.PartyLanguages(ctx, tx, partyID); err != nil {
		return nil, err
	}
	f := Filter{ElectionID: electionID, PartyIDs: []int64{partyID}, inScope: true}
	var versions []string
	q, args := f.query("trend_versions").Build()
	if err := tx.QueryRow(ctx, q, args).Scan(&versions); err != nil {
		return nil, err
	}
	rep.Rulebook = strings.Join(versions, ", ")
	if err := eachRow(ctx, tx, f.query("party_weeks"), func(r pgx.Rows) error {
		var w WeekCount
		if err := r.Scan(&w.Week, &w.Count); err != nil {
			return err
		}
		rep.Weeks = append(rep.Weeks, w)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, tx, f.query("trend_clusters").Bind("no_party", NoParty, "cluster_min", ClusterMin), func(r pgx.Rows) error {
		var c Cluster
		if err := r.Scan(&c.Sender, &c.Count, &c.Parties, &c.Channels, &c.First, &c.Last); err != nil {
			return err
		}
		if len(rep.Senders) < SendersShown {
			rep.Senders = append(rep.Senders, c)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if rep.Themes, err = partyThemes(ctx, tx, f); err != nil {
		return nil, err
	}

	// Examples: the most pressing complaints with a message, one per
	// sender so five examples are not five copies of one campaign.
	if err := eachRow(ctx, tx, f.query("party_examples").Bind("limit", ExamplesShown, "priorities", vocab.PriorityCodes()), func(r pgx.Rows) error {
		var ex Example
		var msg, ref string
		var who Complainant
		if err := r.Scan(&ref, &ex.Channel, &ex.ReceivedAt, &ex.Priority, &msg, &who.Name, &who.Email, &who.Phone, &who.Postcode, &who.Contacted); err != nil {
			return err
		}
		ex.Text = redact.Text(truncateRunes(msg, 600), who)
		rep.Examples = append(rep.Examples, ex)
		return nil
	}); err != nil {
		return nil, err
	}
	if rep.AuditLinks, err = s.auditLinks(ctx, tx, f, partyID); err != nil {
		return nil, err
	}
	return rep, nil
}

// partyThemes counts the party's complaints for each theme (a complaint
// counts once in a theme however many of its provisions it engages) and
// ranks them by complaints times the theme's weight (how serious it is),
// plus one for each of its complaints that was urgent or high priority.
func partyThemes(ctx context.Context, tx pgx.Tx, f Filter) ([]ThemeCount, error) {
	counts := make([]ThemeCount, len(themes))
	engaged := make([]map[string]int, len(themes))
	for i, th := range themes {
		counts[i].Key = th.key
		engaged[i] = map[string]int{}
	}
	err := eachRow(ctx, tx, f.query("party_themes"), func(r pgx.Rows) error {
		var channels, provisions, guidance []string
		var serious bool
		if err := r.Scan(&channels, &provisions, &guidance, &serious); err != nil {
			return err
		}
		for i, th := range themes {
			hit := false
			for _, id := range provisions {
				if slices.Contains(th.provisions, id) {
					hit = true
					engaged[i]["p:"+id]++
				}
			}
			for _, id := range guidance {
				if slices.Contains(th.guidance, id) {
					hit = true
					engaged[i]["g:"+id]++
				}
			}
			if hit {
				counts[i].Count++
				if serious {
					counts[i].Serious++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []ThemeCount
	for i, c := range counts {
		if c.Count == 0 {
			continue
		}
		c.score = c.Count*themes[i].weight + c.Serious
		keys := slices.Collect(maps.Keys(engaged[i]))
		slices.SortFunc(keys, func(a, b string) int {
			if engaged[i][a] != engaged[i][b] {
				return engaged[i][b] - engaged[i][a]
			}
			return strings.Compare(a, b)
		})
		for _, k := range keys {
			if id, ok := strings.CutPrefix(k, "p:"); ok {
				c.Provisions = append(c.Provisions, id)
			} else {
				c.Guidance = append(c.Guidance, strings.TrimPrefix(k, "g:"))
			}
		}
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b ThemeCount) int { return b.score - a.score })
	return out, nil
}

// OutOfScopeNote says how many complaints naming the party were left
// out of the report because another body handles them; "" when there
// were none.
func (r *PartyReport) OutOfScopeNote(lang string) string {
	if r.Figures.OutOfScope == 0 {
		return ""
	}
	if r.Figures.OutOfScope == 1 {
		return wOutOfScope1.f(lang, r.Party.Name)
	}
	return wOutOfScope.f(lang, r.Figures.OutOfScope, r.Party.Name)
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

// ElectionParty is one party's line in the election overview: its
// figures and what sets its complaints apart.
type ElectionParty struct {
	PartyFigures
	Apart []Distinction
}

// ElectionReport is every party's complaints in one election, side by
// side.
type ElectionReport struct {
	*Trends
	Rows []ElectionParty
	// FollowUpBatch is the election's follow-up batch, 0 when none has
	// been drafted; ReplyBy its reply deadline, when it has one.
	FollowUpBatch int64
	ReplyBy       *time.Time
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
		for _, p := range t.Figures {
			row := ElectionParty{PartyFigures: p}
			if p.PartyID != 0 {
				row.Apart = Distinctions(p, t.AllParties, len(t.Figures))
			}
			rep.Rows = append(rep.Rows, row)
		}
		b, err := dbsqlc.New(tx).FollowUpBatch(ctx, electionID)
		if err != nil {
			return err
		}
		rep.FollowUpBatch, rep.ReplyBy = b.ID, b.ReplyBy
		return nil
	})
	return rep, err
}

// CodeTitle is what a provision or guidance point says, or "" when the
// rulebook does not know it (triage.CodeTitle). Staff pages only: a
// party's report uses legal.Cite and our words.
func CodeTitle(code string) string { return triage.CodeTitle(code) }
