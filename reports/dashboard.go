package reports

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
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
	ReceivedAt time.Time
	Status     string
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
		if err := tx.QueryRow(ctx, `SELECT (now() AT TIME ZONE 'Europe/London')::date`).Scan(&d.Today); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, name, type, nations, announced_on, polling_day, follow_up_days, regulated_from
			FROM elections
			WHERE $1::date BETWEEN announced_on AND polling_day + follow_up_days
			  AND ($2::bigint = 0 OR id = $2) AND ($3::text = '' OR $3 = ANY(nations))
			ORDER BY polling_day, id`, d.Today, f.ElectionID, f.Nation)
		if err != nil {
			return err
		}
		d.Elections, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (DashboardElection, error) {
			var e DashboardElection
			err := r.Scan(&e.ID, &e.Name, &e.Type, &e.Nations, &e.AnnouncedOn, &e.PollingDay, &e.FollowUpDays, &e.RegulatedFrom)
			e.Letters = map[string]int{}
			e.FollowUpDue = e.FollowUpOn()
			return e, err
		})
		if err != nil {
			return err
		}
		ids := make([]int64, len(d.Elections))
		index := map[int64]*DashboardElection{}
		for i := range d.Elections {
			ids[i] = d.Elections[i].ID
			index[ids[i]] = &d.Elections[i]
		}

		if err := eachRow(ctx, tx, `SELECT election_id, state, count(*) FROM letters WHERE election_id = ANY($1) GROUP BY 1, 2`, []any{ids}, func(r pgx.Rows) error {
			var id int64
			var state string
			var n int
			if err := r.Scan(&id, &state, &n); err != nil {
				return err
			}
			e := index[id]
			e.Letters[state] += n
			e.LettersTotal += n
			return nil
		}); err != nil {
			return err
		}

		daily := map[int64]map[time.Time]map[string]int{}
		if err := eachRow(ctx, tx, `SELECT c.election_id, (c.received_at AT TIME ZONE 'Europe/London')::date, c.channel, count(*)
			FROM complaints c WHERE c.election_id = ANY($1) GROUP BY 1, 2, 3`, []any{ids}, func(r pgx.Rows) error {
			var id int64
			var day time.Time
			var ch string
			var n int
			if err := r.Scan(&id, &day, &ch, &n); err != nil {
				return err
			}
			if daily[id] == nil {
				daily[id] = map[time.Time]map[string]int{}
			}
			if daily[id][day] == nil {
				daily[id][day] = map[string]int{}
			}
			daily[id][day][ch] += n
			index[id].Complaints += n
			return nil
		}); err != nil {
			return err
		}

		if err := eachRow(ctx, tx, `SELECT election_id, party_id, party, n FROM (
				SELECT c.election_id, coalesce(c.party_id, 0) AS party_id, coalesce(p.name, $2) AS party, count(*) AS n,
					row_number() OVER (PARTITION BY c.election_id ORDER BY count(*) DESC, coalesce(p.name, $2)) AS rank
				FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
				WHERE c.election_id = ANY($1) GROUP BY 1, 2, 3) t
			WHERE rank <= $3 ORDER BY election_id, rank`, []any{ids, NoParty, TopPartiesShown}, func(r pgx.Rows) error {
			var id int64
			var pc PartyCounts
			if err := r.Scan(&id, &pc.PartyID, &pc.Party, &pc.Total); err != nil {
				return err
			}
			index[id].TopParties = append(index[id].TopParties, pc)
			return nil
		}); err != nil {
			return err
		}

		if err := eachRow(ctx, tx, `SELECT election_id, count(*) FROM complaints
			WHERE election_id = ANY($1) AND priority = 'urgent' AND status <> 'closed' GROUP BY 1`, []any{ids}, func(r pgx.Rows) error {
			var id int64
			var n int
			if err := r.Scan(&id, &n); err != nil {
				return err
			}
			index[id].UrgentOpen = n
			return nil
		}); err != nil {
			return err
		}

		// The urgent queue: with no filter, every open urgent complaint
		// (one outside any election is still urgent); with a filter, those
		// of the elections shown.
		filtered := f.ElectionID != 0 || f.Nation != ""
		rows, err = tx.Query(ctx, `SELECT c.reference, c.election_id, coalesce(p.name, nullif(c.party_text, ''), $3), c.channel, c.received_at, c.status
			FROM complaints c LEFT JOIN parties p ON p.id = c.party_id
			WHERE c.priority = 'urgent' AND c.status <> 'closed' AND (NOT $1 OR c.election_id = ANY($2))
			ORDER BY c.received_at, c.id LIMIT $4`, filtered, ids, NoParty, UrgentShown)
		if err != nil {
			return err
		}
		d.Urgent, err = pgx.CollectRows(rows, pgx.RowToStructByPos[UrgentComplaint])
		if err != nil {
			return err
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
					dc.ByChannel[ch] = n
					dc.Total += n
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
