package reports

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

// DashboardFilter narrows the staff dashboard to one election and/or one
// nation. Zero values show every active election.
type DashboardFilter struct {
	ElectionID int64
	Nation     string
}

// DashboardElection is one active election as the dashboard shows it.
type DashboardElection struct {
	Election
	RegulatedFrom *time.Time
	// Letters counts the election's letters by state.
	Letters      map[string]int
	LettersTotal int
	// Daily is complaints per day by channel, from the announcement to
	// today (or the end of the follow-up window), with empty days filled.
	Daily       []DayCounts
	Complaints  int
	TopParties  []PartyCounts
	UrgentOpen  int
	FollowUpDue time.Time
}

// UrgentComplaint is an urgent complaint still open, for the queue.
type UrgentComplaint struct {
	Reference  string
	ElectionID *int64
	Party      string
	Channel    string
	// Channels are every channel the complaint reports (its current
	// triage result's, or Channel until triaged).
	Channels   []string
	ReceivedAt time.Time
	// ReceivedAtHasTime says a time was given with the day.
	ReceivedAtHasTime bool
	Status            string
}

// Dashboard is everything the staff home shows apart from alerts.
type Dashboard struct {
	Elections []DashboardElection
	Urgent    []UrgentComplaint
	// Today is the day (Europe/London) the figures run to.
	Today time.Time
}

// TopPartiesShown is how many parties the dashboard lists per election.
const TopPartiesShown = 5

// UrgentShown is how many urgent complaints the dashboard lists.
const UrgentShown = 20

// Dashboard reads the dashboard's figures in one snapshot with a fixed
// handful of aggregate queries, whatever the number of elections.
func (s *Store) Dashboard(ctx context.Context, f DashboardFilter) (*Dashboard, error) {
	d := &Dashboard{}
	err := s.Snapshot(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		var err error
		if d.Today, err = q.LondonToday(ctx); err != nil {
			return err
		}
		els, err := q.DashboardElections(ctx, dbsqlc.DashboardElectionsParams{Today: d.Today, ElectionID: f.ElectionID, Nation: f.Nation})
		if err != nil {
			return err
		}
		d.Elections = make([]DashboardElection, 0, len(els))
		for _, r := range els {
			e := DashboardElection{Election: Election{ID: r.ID, Name: r.Name, Type: r.Type, Nations: r.Nations, AnnouncedOn: r.AnnouncedOn,
				PollingDay: r.PollingDay, FollowUpDays: int(r.FollowUpDays)}, RegulatedFrom: r.RegulatedFrom, Letters: map[string]int{}}
			e.FollowUpDue = e.FollowUpOn()
			d.Elections = append(d.Elections, e)
		}
		ids := make([]int64, len(d.Elections))
		index := map[int64]*DashboardElection{}
		for i := range d.Elections {
			ids[i] = d.Elections[i].ID
			index[ids[i]] = &d.Elections[i]
		}

		letters, err := q.DashboardLetters(ctx, ids)
		if err != nil {
			return err
		}
		for _, r := range letters {
			e := index[r.ElectionID]
			e.Letters[r.State] += int(r.N)
			e.LettersTotal += int(r.N)
		}

		daily := map[int64]map[time.Time]map[string]int{}
		days, err := q.DashboardDaily(ctx, ids)
		if err != nil {
			return err
		}
		for _, r := range days {
			if daily[r.ElectionID] == nil {
				daily[r.ElectionID] = map[time.Time]map[string]int{}
			}
			if daily[r.ElectionID][r.Day] == nil {
				daily[r.ElectionID][r.Day] = map[string]int{}
			}
			daily[r.ElectionID][r.Day][r.Channel] += int(r.N)
			if r.Channel == "" { // the day's complaints, each counted once
				index[r.ElectionID].Complaints += int(r.N)
			}
		}

		top, err := q.DashboardTopParties(ctx, dbsqlc.DashboardTopPartiesParams{NoParty: NoParty, ElectionIds: ids, Shown: TopPartiesShown})
		if err != nil {
			return err
		}
		for _, r := range top {
			index[r.ElectionID].TopParties = append(index[r.ElectionID].TopParties, PartyCounts{PartyID: r.PartyID, Party: r.Party, Total: int(r.N)})
		}

		urgent, err := q.DashboardUrgentOpen(ctx, ids)
		if err != nil {
			return err
		}
		for _, r := range urgent {
			index[r.ElectionID].UrgentOpen = int(r.N)
		}

		// The urgent queue: with no filter, every open urgent complaint
		// (one outside any election is still urgent); with a filter, those
		// of the elections shown.
		filtered := f.ElectionID != 0 || f.Nation != ""
		queue, err := q.DashboardUrgentQueue(ctx, dbsqlc.DashboardUrgentQueueParams{NoParty: NoParty, Filtered: filtered, ElectionIds: ids, Shown: UrgentShown})
		if err != nil {
			return err
		}
		d.Urgent = make([]UrgentComplaint, 0, len(queue))
		for _, r := range queue {
			d.Urgent = append(d.Urgent, UrgentComplaint{Reference: r.Reference, ElectionID: r.ElectionID, Party: r.Party, Channel: r.Channel, Channels: r.Channels, ReceivedAt: r.ReceivedAt, ReceivedAtHasTime: r.ReceivedAtHasTime, Status: r.Status})
		}

		for i := range d.Elections {
			e := &d.Elections[i]
			last := e.FollowUpOn()
			if d.Today.Before(last) {
				last = d.Today
			}
			for day := e.AnnouncedOn; !day.After(last); day = day.AddDate(0, 0, 1) {
				dc := DayCounts{Date: day, ByChannel: map[string]int{}}
				for ch, n := range daily[e.ID][day] {
					if ch == "" {
						dc.Total = n
					} else {
						dc.ByChannel[ch] = n
					}
				}
				e.Daily = append(e.Daily, dc)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
