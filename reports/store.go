package reports

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/redact"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
	"github.com/campaignwatch/campaignwatch/reports/internal/dbsqlc"
)

// NoParty labels complaints whose party could not be matched to the
// registry.
const NoParty = "Party not identified"

// Store reads report data from PostgreSQL.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
	// org gives the regulator's settings for follow-up reports; nil means
	// organisation.Defaults.
	org organisation.Source
	// audits gives a party's open audit recommendations for its
	// follow-up report; nil leaves the report's audit section out.
	audits AuditSource
}

// NewStore returns a store reading from pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, now: time.Now} }

// Pool is the database the store reads.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Snapshot runs fn in a read-only repeatable-read transaction, so every
// query fn makes sees the same data.
func (s *Store) Snapshot(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// Election is what reports need to know about an election.
type Election struct {
	ID           int64
	Name         string
	Type         string
	Nations      []string
	AnnouncedOn  time.Time
	PollingDay   time.Time
	FollowUpDays int
}

// FollowUpOn is the day follow-up letters are due.
func (e Election) FollowUpOn() time.Time { return e.PollingDay.AddDate(0, 0, e.FollowUpDays) }

// Election reads one election.
func (s *Store) Election(ctx context.Context, q pgx.Tx, id int64) (*Election, error) {
	r, err := dbsqlc.New(q).GetElection(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no election %d.", id)
	}
	e := Election{ID: r.ID, Name: r.Name, Type: r.Type, Nations: r.Nations, AnnouncedOn: r.AnnouncedOn, PollingDay: r.PollingDay, FollowUpDays: int(r.FollowUpDays)}
	return &e, err
}

// Count is a label with a number.
type Count struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// DayCounts are one day's complaints by channel.
type DayCounts struct {
	Date      time.Time      `json:"date"`
	ByChannel map[string]int `json:"by_channel"`
	Total     int            `json:"total"`
}

// PartyCounts are one party's complaints by channel.
type PartyCounts struct {
	PartyID   int64          `json:"party_id,omitempty"`
	Party     string         `json:"party"`
	ByChannel map[string]int `json:"by_channel"`
	Total     int            `json:"total"`
}

// CodeCounts are how often a provision or guidance point was engaged, by
// party.
type CodeCounts struct {
	Kind    string         `json:"kind"` // "provision" or "guidance"
	Code    string         `json:"code"`
	ByParty map[string]int `json:"by_party"`
	Total   int            `json:"total"`
}

// Cluster is a normalised sender many complaints name.
type Cluster struct {
	Sender   string    `json:"sender"`
	Count    int       `json:"count"`
	Parties  []string  `json:"parties"`
	Channels []string  `json:"channels"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
}

// Trends are the aggregate figures of a report.
type Trends struct {
	Filter          Filter    `json:"filter"`
	Election        *Election `json:"election,omitempty"`
	From, To        time.Time `json:"-"`
	PartyNames      []string  `json:"party_names,omitempty"`
	GeneratedAt     time.Time `json:"generated_at"`
	RulebookVersion string    `json:"rulebook_version"`
	Total           int       `json:"total"`
	Duplicates      int       `json:"duplicates"`
	Untriaged       int       `json:"untriaged"`
	// ByChannel counts each complaint once for every channel it reports
	// (ChannelCountNote), so its sum can exceed Total.
	ByChannel map[string]int `json:"by_channel"`
	// OutOfScope counts the complaints triage found another body handles;
	// Referrals splits them by that body (labels in words). They are
	// counted in every other figure too.
	OutOfScope int            `json:"out_of_scope"`
	Referrals  []Count        `json:"referrals"`
	ByPriority map[string]int `json:"by_priority"`
	ByStatus   []Count        `json:"by_status"`
	Daily      []DayCounts    `json:"daily"`
	Parties    []PartyCounts  `json:"parties"`
	Codes      []CodeCounts   `json:"codes"`
	Clusters   []Cluster      `json:"clusters"`
	// Figures are each party's counts as its follow-up report gives them
	// (see PartyFigures), most complaints first; AllParties adds them up.
	Figures    []PartyFigures `json:"party_figures"`
	AllParties PartyFigures   `json:"all_parties"`
}

// ChannelCountNote is said wherever complaints are counted by channel.
const ChannelCountNote = "A complaint that reports several channels is counted once for each, so the channel figures can add up to more than the number of complaints."

// ClusterMin is the number of complaints naming one sender that makes a
// cluster.
const ClusterMin = 2

// Trends computes the aggregate figures for f inside tx.
func (s *Store) Trends(ctx context.Context, tx pgx.Tx, f Filter) (*Trends, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var err error
	t := &Trends{Filter: f, GeneratedAt: s.now(), ByChannel: map[string]int{}, ByPriority: map[string]int{}, From: f.From, To: f.To}
	if f.ElectionID != 0 {
		if t.Election, err = s.Election(ctx, tx, f.ElectionID); err != nil {
			return nil, err
		}
		t.From, t.To = t.Election.AnnouncedOn, t.Election.FollowUpOn()
	}
	if len(f.PartyIDs) > 0 {
		if t.PartyNames, err = dbsqlc.New(tx).PartyNames(ctx, f.PartyIDs); err != nil {
			return nil, err
		}
	}
	err = eachRow(ctx, tx, f.query("trend_totals"), func(r pgx.Rows) error {
		var pr string
		var n, dup, untriaged int
		if err := r.Scan(&pr, &n, &dup, &untriaged); err != nil {
			return err
		}
		t.Total += n
		t.Duplicates += dup
		t.Untriaged += untriaged
		if pr != "" {
			t.ByPriority[pr] += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, f.query("trend_channels"), func(r pgx.Rows) error {
		var ch string
		var n int
		if err := r.Scan(&ch, &n); err != nil {
			return err
		}
		t.ByChannel[ch] += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, f.query("trend_referrals"), func(r pgx.Rows) error {
		var id string
		var n int
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		t.OutOfScope += n
		t.Referrals = append(t.Referrals, Count{Label: complaints.ReferralBodyLabel(id), Count: n})
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = eachRow(ctx, tx, f.query("trend_status"), func(r pgx.Rows) error {
		var c Count
		t.ByStatus = append(t.ByStatus, c)
		return r.Scan(&t.ByStatus[len(t.ByStatus)-1].Label, &t.ByStatus[len(t.ByStatus)-1].Count)
	})
	if err != nil {
		return nil, err
	}

	err = eachRow(ctx, tx, f.query("trend_daily"), func(r pgx.Rows) error {
		var d time.Time
		var ch string
		var n int
		if err := r.Scan(&d, &ch, &n); err != nil {
			return err
		}
		if len(t.Daily) == 0 || !t.Daily[len(t.Daily)-1].Date.Equal(d) {
			t.Daily = append(t.Daily, DayCounts{Date: d, ByChannel: map[string]int{}})
		}
		day := &t.Daily[len(t.Daily)-1]
		if ch == "" {
			day.Total = n // the day's complaints, each once
		} else {
			day.ByChannel[ch] += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = eachRow(ctx, tx, f.query("trend_parties").Bind("no_party", NoParty), func(r pgx.Rows) error {
		var id int64
		var name, ch string
		var n int
		if err := r.Scan(&id, &name, &ch, &n); err != nil {
			return err
		}
		i := slices.IndexFunc(t.Parties, func(p PartyCounts) bool { return p.PartyID == id })
		if i < 0 {
			t.Parties = append(t.Parties, PartyCounts{PartyID: id, Party: name, ByChannel: map[string]int{}})
			i = len(t.Parties) - 1
		}
		if ch == "" {
			t.Parties[i].Total = n // the party's complaints, each once
		} else {
			t.Parties[i].ByChannel[ch] += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(t.Parties, func(a, b PartyCounts) int {
		if a.Total != b.Total {
			return b.Total - a.Total
		}
		return strings.Compare(a.Party, b.Party)
	})

	err = eachRow(ctx, tx, f.query("trend_codes").Bind("no_party", NoParty), func(r pgx.Rows) error {
		var kind, code, party string
		var n int
		if err := r.Scan(&kind, &code, &party, &n); err != nil {
			return err
		}
		if len(t.Codes) == 0 || t.Codes[len(t.Codes)-1].Code != code || t.Codes[len(t.Codes)-1].Kind != kind {
			t.Codes = append(t.Codes, CodeCounts{Kind: kind, Code: code, ByParty: map[string]int{}})
		}
		cc := &t.Codes[len(t.Codes)-1]
		cc.ByParty[party] += n
		cc.Total += n
		return nil
	})
	if err != nil {
		return nil, err
	}

	var versions []string
	q, args := f.query("trend_versions").Build()
	if err := tx.QueryRow(ctx, q, args).Scan(&versions); err != nil {
		return nil, err
	}
	t.RulebookVersion = strings.Join(versions, ", ")
	if t.RulebookVersion == "" {
		t.RulebookVersion = "none (no triage results)"
	}

	if t.Figures, t.AllParties, err = partyFigures(ctx, tx, f); err != nil {
		return nil, err
	}

	err = eachRow(ctx, tx, f.query("trend_clusters").Bind("no_party", NoParty, "cluster_min", ClusterMin), func(r pgx.Rows) error {
		var c Cluster
		if err := r.Scan(&c.Sender, &c.Count, &c.Parties, &c.Channels, &c.First, &c.Last); err != nil {
			return err
		}
		t.Clusters = append(t.Clusters, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Row is one complaint in an export. It holds no complainant personal
// data; Text is set only when the filter asks for it, and is redacted.
type Row struct {
	Reference   string
	ReceivedAt  time.Time
	SubmittedAt time.Time
	Channel     string
	Party       string
	Sender      string
	Provisions  []string
	Guidance    []string
	Priority    string
	Status      string
	Outcome     string
	Text        string
	// Channels are every channel the complaint reports; Referral is the
	// rulebook id of its referral when triage found it out of scope.
	Channels []string
	Referral string
	// ReceivedAtHasTime is false when the complainant gave only the day
	// of the incident: ReceivedAt is then that day's start, which an
	// export must show as a date rather than as a midnight nobody reported.
	ReceivedAtHasTime bool
}

// CountRows counts the complaints f selects.
func (s *Store) CountRows(ctx context.Context, q pgx.Tx, f Filter) (int, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	sql, args := f.query("count_rows").Build()
	var n int
	err := q.QueryRow(ctx, sql, args).Scan(&n)
	return n, err
}

// RowsSQL is the query Rows runs for f, with its named arguments: the
// Complaints rows in order, with the complainant's columns empty unless
// f.IncludeText. The benchmark runs the same query under COPY as the floor
// the exports are measured against.
func (s *Store) RowsSQL(ctx context.Context, tx pgx.Tx, f Filter) (string, pgx.NamedArgs, error) {
	if err := f.Validate(); err != nil {
		return "", nil, err
	}
	name := "rows"
	if f.IncludeText {
		name = "rows_text"
	}
	q, args := f.query(name).Bind("no_party", NoParty).Build()
	return q, args, nil
}

// Rows calls fn for each complaint f selects, oldest first, reading them
// from the database as fn consumes them.
func (s *Store) Rows(ctx context.Context, tx pgx.Tx, f Filter, fn func(Row) error) error {
	q, args, err := s.RowsSQL(ctx, tx, f)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, q, args)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r Row
	var msg, desc string
	var who Complainant
	for rows.Next() {
		if err := rows.Scan(&r.Reference, &r.ReceivedAt, &r.SubmittedAt, &r.Channel, &r.Party, &r.Sender,
			&r.Provisions, &r.Guidance, &r.Priority, &r.Status, &r.Outcome,
			&msg, &desc, &who.Name, &who.Email, &who.Phone, &who.Postcode, &who.Contacted, &r.Channels, &r.Referral, &r.ReceivedAtHasTime); err != nil {
			return err
		}
		r.Text = ""
		if f.IncludeText {
			r.Text = joinText(redact.Text(msg, who), redact.Text(desc, who))
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func joinText(msg, desc string) string {
	switch {
	case msg == "":
		return desc
	case desc == "":
		return msg
	}
	return msg + "\n\n" + desc
}

// eachRow runs the statement b builds and calls fn for each row.
func eachRow(ctx context.Context, tx pgx.Tx, b *sqlfilter.Builder, fn func(pgx.Rows) error) error {
	sql, args := b.Build()
	rows, err := tx.Query(ctx, sql, args)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
