package outreach

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// ElectionType is one kind of election, with the nations it covers when
// the caller does not say (nil: the caller must say).
type ElectionType struct {
	ID      string
	Name    string
	Nations []string
}

// ElectionTypes lists the types in the order pages show them.
var ElectionTypes = []ElectionType{
	{"general", "UK general election", vocab.NationCodes()},
	{"local", "Local elections", nil},
	{"scottish_parliament", "Scottish Parliament election", []string{vocab.NationScotland}},
	{"senedd", "Senedd election", []string{vocab.NationWales}},
	{"ni_assembly", "Northern Ireland Assembly election", []string{vocab.NationNorthernIreland}},
	{"mayoral", "Mayoral election", nil},
	{"police_and_crime_commissioner", "Police and crime commissioner election", nil},
	{"by_election", "By-election", nil},
	{"referendum", "Referendum", nil},
}

func electionType(id string) (ElectionType, bool) {
	for _, t := range ElectionTypes {
		if t.ID == id {
			return t, true
		}
	}
	return ElectionType{}, false
}

// TypeName is the readable name of an election type.
func TypeName(id string) string {
	if t, ok := electionType(id); ok {
		return t.Name
	}
	return id
}

// Phase is where an election is in its life, derived from today's date.
type Phase string

// The phases, in order.
const (
	PhaseAnnounced  Phase = "announced"
	PhaseCampaign   Phase = "campaign"
	PhasePollingDay Phase = "polling_day"
	PhaseFollowUp   Phase = "follow_up"
	PhaseClosed     Phase = "closed"
)

// PhaseNames are the phases as pages show them.
var PhaseNames = map[Phase]string{
	PhaseAnnounced: "Announced", PhaseCampaign: "Campaign", PhasePollingDay: "Polling day",
	PhaseFollowUp: "Follow-up", PhaseClosed: "Closed",
}

// Election is one election.
type Election struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// NameCY is the name in Welsh, for the Welsh version of its letters;
	// empty when not given.
	NameCY        string     `json:"name_cy"`
	Type          string     `json:"type"`
	Nations       []string   `json:"nations"`
	AnnouncedOn   time.Time  `json:"announced_on"`
	PollingDay    time.Time  `json:"polling_day"`
	RegulatedFrom *time.Time `json:"regulated_from,omitempty"`
	FollowUpDays  int        `json:"follow_up_days"`
	CreatedAt     time.Time  `json:"created_at"`
}

// CampaignStart is the first day of the campaign phase: the start of the
// regulated period when that comes after the announcement, otherwise the
// day after the announcement.
func (e *Election) CampaignStart() time.Time {
	if e.RegulatedFrom != nil && e.RegulatedFrom.After(e.AnnouncedOn) {
		return *e.RegulatedFrom
	}
	return e.AnnouncedOn.AddDate(0, 0, 1)
}

// FollowUpEnd is the last day of the follow-up window.
func (e *Election) FollowUpEnd() time.Time { return e.PollingDay.AddDate(0, 0, e.FollowUpDays) }

// PhaseOn returns the election's phase on day (a date; the time is ignored).
func (e *Election) PhaseOn(day time.Time) Phase {
	d := dateOf(day)
	switch {
	case d.Before(e.CampaignStart()) && d.Before(e.PollingDay):
		return PhaseAnnounced
	case d.Before(e.PollingDay):
		return PhaseCampaign
	case d.Equal(e.PollingDay):
		return PhasePollingDay
	case !d.After(e.FollowUpEnd()):
		return PhaseFollowUp
	default:
		return PhaseClosed
	}
}

// Phase is the phase today, in the United Kingdom.
func (e *Election) Phase() Phase { return e.PhaseOn(vocab.Today()) }

// TypeName is the election's type as people say it.
func (e *Election) TypeName() string { return TypeName(e.Type) }

// NationList is the covered nations joined for display.
func (e *Election) NationList() string {
	names := vocab.NationLabels(vocab.English)
	var out []string
	for _, n := range e.Nations {
		out = append(out, names[n])
	}
	return strings.Join(out, ", ")
}

func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a date as YYYY-MM-DD.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2024-07-04", s)
	}
	return t, nil
}

// ElectionInput is what a caller gives to record an election.
type ElectionInput struct {
	Name string `json:"name"`
	// NameCY is the election's name in Welsh: needed to write to anyone
	// who reads Welsh.
	NameCY        string     `json:"name_cy"`
	Type          string     `json:"type"`
	Nations       []string   `json:"nations"`
	AnnouncedOn   *time.Time `json:"announced_on"`
	PollingDay    *time.Time `json:"polling_day"`
	RegulatedFrom *time.Time `json:"regulated_from"`
	FollowUpDays  *int       `json:"follow_up_days"`
	// Demo marks the demonstration election `demo --complaints` makes:
	// the public's complaints are never filed under it and no follow-up
	// letters go out about it. Only that command sets it.
	Demo bool `json:"-"`
}

// normalise checks in and fills defaults (announced today, the type's
// nations, 14 follow-up days), returning every problem at once.
func (in *ElectionInput) normalise() (*Election, []apperr.FieldError) {
	var errs []apperr.FieldError
	add := func(f, m string, a ...any) {
		errs = append(errs, apperr.FieldError{Field: f, Message: fmt.Sprintf(m, a...)})
	}
	e := &Election{Name: strings.Join(strings.Fields(in.Name), " "), NameCY: strings.Join(strings.Fields(in.NameCY), " "),
		Type: strings.TrimSpace(in.Type), FollowUpDays: 14}
	if e.Name == "" {
		add("name", "Enter the election's name, for example General Election 2029")
	} else if len(e.Name) > 200 {
		add("name", "The election's name must be 200 characters or fewer")
	}
	if len(e.NameCY) > 200 {
		add("name_cy", "The election's name in Welsh must be 200 characters or fewer")
	}
	t, ok := electionType(e.Type)
	if !ok {
		var ids []string
		for _, t := range ElectionTypes {
			ids = append(ids, t.ID)
		}
		add("type", "Choose the type of election (one of %s)", strings.Join(ids, ", "))
	}
	for _, n := range in.Nations {
		n = strings.ToLower(strings.TrimSpace(strings.ReplaceAll(n, " ", "_")))
		if n == "" {
			continue
		}
		if !vocab.IsNation(n) {
			add("nations", "Unknown nation %q: use england, scotland, wales or northern_ireland", n)
			continue
		}
		if !slices.Contains(e.Nations, n) {
			e.Nations = append(e.Nations, n)
		}
	}
	if len(e.Nations) == 0 && ok {
		if t.Nations == nil {
			add("nations", "Choose the nations a %s covers", strings.ToLower(t.Name))
		} else {
			e.Nations = slices.Clone(t.Nations)
		}
	}
	order := vocab.NationCodes()
	slices.SortFunc(e.Nations, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	e.AnnouncedOn = vocab.Today()
	if in.AnnouncedOn != nil {
		e.AnnouncedOn = dateOf(*in.AnnouncedOn)
	}
	if in.PollingDay == nil {
		add("polling_day", "Enter polling day")
	} else {
		e.PollingDay = dateOf(*in.PollingDay)
		if e.PollingDay.Before(e.AnnouncedOn) {
			add("polling_day", "Polling day (%s) must be on or after the day the election was announced (%s)",
				e.PollingDay.Format("2 January 2006"), e.AnnouncedOn.Format("2 January 2006"))
		}
	}
	if in.RegulatedFrom != nil {
		r := dateOf(*in.RegulatedFrom)
		e.RegulatedFrom = &r
		if in.PollingDay != nil && r.After(e.PollingDay) {
			add("regulated_from", "The regulated period must start on or before polling day")
		}
	}
	if in.FollowUpDays != nil {
		e.FollowUpDays = *in.FollowUpDays
		if e.FollowUpDays < 0 || e.FollowUpDays > 365 {
			add("follow_up_days", "The follow-up window must be between 0 and 365 days")
		}
	}
	return e, errs
}

// Election returns one election.
func (s *Service) Election(ctx context.Context, id int64) (*Election, error) {
	r, err := s.q.GetElection(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no election %d.", id)
	}
	if err != nil {
		return nil, err
	}
	return &Election{ID: r.ID, Name: r.Name, NameCY: r.NameCy, Type: r.Type, Nations: r.Nations, AnnouncedOn: r.AnnouncedOn, PollingDay: r.PollingDay,
		RegulatedFrom: r.RegulatedFrom, FollowUpDays: int(r.FollowUpDays), CreatedAt: r.CreatedAt}, nil
}

// ElectionSummary is an election with its letters counted by state.
type ElectionSummary struct {
	Election
	Letters map[string]int `json:"letters"`
}

// Elections lists elections, most recent polling day first.
func (s *Service) Elections(ctx context.Context) ([]ElectionSummary, error) {
	rows, err := s.q.ListElections(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ElectionSummary, len(rows))
	for i, r := range rows {
		out[i] = ElectionSummary{Election: Election{ID: r.ID, Name: r.Name, NameCY: r.NameCy, Type: r.Type, Nations: r.Nations, AnnouncedOn: r.AnnouncedOn,
			PollingDay: r.PollingDay, RegulatedFrom: r.RegulatedFrom, FollowUpDays: int(r.FollowUpDays), CreatedAt: r.CreatedAt}}
		if err := json.Unmarshal(r.Letters, &out[i].Letters); err != nil {
			return nil, fmt.Errorf("letters of election %d: %w", r.ID, err)
		}
	}
	return out, nil
}
