package review

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
)

// Sort orders of the queue.
const (
	SortPriority    = "priority"     // most urgent first, then newest received
	SortReceived    = "received"     // newest received first
	SortReceivedAsc = "received_asc" // oldest received first
	SortScore       = "score"        // highest score first
)

// Service is the staff side of triage: the queue, the triage panel and
// officers' decisions. It reads and writes PostgreSQL only.
type Service struct {
	pool *pgxpool.Pool
	// knownProvision says whether an officer may add a provision id; nil
	// accepts any non-empty id.
	knownProvision func(string) bool
}

// NewService returns a service on pool. known, when not nil, checks the
// provision ids officers give in overrides (normally the rulebook's).
func NewService(pool *pgxpool.Pool, known func(string) bool) *Service {
	return &Service{pool: pool, knownProvision: known}
}

// Filter narrows the queue. Zero fields match everything.
type Filter struct {
	Priority string
	Status   string
	PartyID  *int64
	// Channel matches the complaints that report it: one of the current
	// result's channels, or the stated channel until triaged.
	Channel string
	// Referral matches out-of-scope complaints referred to it (a rulebook
	// referral id); OutOfScope matches every out-of-scope complaint.
	Referral   string
	OutOfScope bool
	ElectionID *int64
	ClusterID  *int64
	// AssignedTo is a staff user id; the special value 0 with
	// Unassigned set lists complaints nobody has.
	AssignedTo *int64
	Unassigned bool
	From, To   time.Time // received_at; To exclusive
	Sort       string
	Page       int // from 1
	PerPage    int // default 50, at most 200
}

// Item is one complaint in the queue.
type Item struct {
	ID         int64
	Reference  string
	ReceivedAt time.Time
	// ReceivedAtHasTime is false when the complainant gave only a day:
	// ReceivedAt is then that day's midnight, which must not be shown as
	// a time.
	ReceivedAtHasTime bool
	Channel           string // as the complainant said
	TriageChannel     string // as the engine inferred ("" until triaged)
	Channels          []string
	Party             string
	PartyID           *int64
	Election          string
	Status            string
	Priority          string // effective priority ("" until triaged)
	Score             *int
	Provisions        []string
	AssignedTo        string
	Outcome           string
	SenderCluster     *int64
	TextCluster       *int64
	ClusterSize       int
	// Referral is the rulebook id of the referral when triage found the
	// complaint out of scope, "" otherwise.
	Referral string
}

// ReferralLabel is "Out of scope — referred to …", or "" when the
// complaint is in scope.
func (it Item) ReferralLabel() string {
	if it.Referral == "" {
		return ""
	}
	return complaints.OutOfScopeLabel(it.Referral)
}

// QueuePage is one page of the queue.
type QueuePage struct {
	Items   []Item
	Total   int
	Page    int
	PerPage int
}

//go:embed queue.sql
var queueSQL string

// queueQueries is the triage queue's query, its conditions and its sort
// orders.
var queueQueries = sqlfilter.MustParse("queue.sql", queueSQL)

// queueOrder names the order block in queue.sql for each sort.
var queueOrder = map[string]string{
	SortPriority:    "priority",
	SortReceived:    "received",
	SortReceivedAsc: "received_asc",
	SortScore:       "score",
}

// Validate checks the filter's values, naming the field at fault.
func (f *Filter) Validate() error {
	var errs []apperr.FieldError
	if f.Priority != "" && !vocab.IsPriority(f.Priority) {
		errs = append(errs, apperr.FieldError{Field: "priority", Code: "invalid", Message: "Choose urgent, high, medium or low"})
	}
	if f.Status != "" && !vocab.IsStatus(f.Status) {
		errs = append(errs, apperr.FieldError{Field: "status", Code: "invalid", Message: "Choose new, triaged, in review or closed"})
	}
	switch f.Sort {
	case "", SortPriority, SortReceived, SortReceivedAsc, SortScore:
	default:
		errs = append(errs, apperr.FieldError{Field: "sort", Code: "invalid", Message: "Choose a sort order from the list"})
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		errs = append(errs, apperr.FieldError{Field: "to", Code: "invalid", Message: "The end date must be after the start date"})
	}
	if len(errs) > 0 {
		return apperr.Fields(errs...)
	}
	return nil
}

// Queue returns one page of complaints matching f.
func (s *Service) Queue(ctx context.Context, f Filter) (QueuePage, error) {
	if err := f.Validate(); err != nil {
		return QueuePage{}, err
	}
	b := queueQueries.Builder("queue").OrderBy(queueOrder[cmp.Or(f.Sort, SortPriority)])
	f.where(b)
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	sql, args := b.Bind("priorities", vocab.PriorityCodes(), "limit", f.PerPage, "offset", (f.Page-1)*f.PerPage).Build()
	rows, err := s.pool.Query(ctx, sql, args)
	if err != nil {
		return QueuePage{}, err
	}
	page := QueuePage{Page: f.Page, PerPage: f.PerPage}
	page.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Item, error) {
		var it Item
		err := r.Scan(&it.ID, &it.Reference, &it.ReceivedAt, &it.ReceivedAtHasTime, &it.Channel, &it.TriageChannel, &it.Channels,
			&it.Party, &it.PartyID, &it.Election, &it.Status, &it.Priority, &it.Score, &it.Provisions,
			&it.AssignedTo, &it.Outcome, &it.SenderCluster, &it.TextCluster, &it.ClusterSize, &it.Referral, &page.Total)
		return it, err
	})
	return page, err
}

// Result is one stored triage result.
type Result struct {
	ID              int64
	RulebookVersion string
	RulebookHash    string
	Channel         string
	Channels        []string
	Provisions      []string
	Guidance        []string
	Score           int
	Priority        string
	Actions         []string
	Rationale       json.RawMessage
	Context         json.RawMessage
	Current         bool
	CreatedAt       time.Time
	// OutOfScope says another body handles the complaint; Referral is
	// the rulebook id of where it was sent ("" when in scope).
	OutOfScope bool
	Referral   string
}

// ReferralLabel is "Out of scope — referred to …", or "" when the result
// is in scope.
func (r Result) ReferralLabel() string {
	if r.Referral == "" {
		return ""
	}
	return complaints.OutOfScopeLabel(r.Referral)
}

// RationaleLines returns the rationale as display lines, whatever shape
// the engine gave each entry (a string, or an object with a text field).
func (r Result) RationaleLines() []string {
	var raw []json.RawMessage
	if json.Unmarshal(r.Rationale, &raw) != nil {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, e := range raw {
		var s string
		if json.Unmarshal(e, &s) == nil {
			out = append(out, Sentence(s))
			continue
		}
		var m map[string]any
		if json.Unmarshal(e, &m) == nil {
			out = append(out, Sentence(describeRationale(m)))
		}
	}
	return out
}

func describeRationale(m map[string]any) string {
	for _, k := range []string{"text", "line", "message", "String"} {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	var parts []string
	for _, k := range []string{"rule", "fact", "conclusion"} {
		if v, ok := m[k]; ok && v != nil && v != "" {
			parts = append(parts, fmt.Sprintf("%s: %v", k, v))
		}
	}
	return strings.Join(parts, "; ")
}

// Decision is an officer's acceptance or override of a triage result.
type Decision struct {
	ID                 int64
	ResultID           int64
	Kind               string
	OriginalPriority   string
	OriginalProvisions []string
	Priority           string
	Provisions         []string
	Reason             string
	DecidedBy          string
	CreatedAt          time.Time
}

// ClusterRef is a cluster a complaint belongs to.
type ClusterRef struct {
	ID    int64
	Kind  string
	Label string
	Size  int
}

// Detail is the triage panel of one complaint.
type Detail struct {
	ID         int64
	Reference  string
	Channel    string
	Party      string
	Election   string
	ReceivedAt time.Time
	// ReceivedAtHasTime is false when only the day is known.
	ReceivedAtHasTime bool
	Sender            string
	Message           string
	Description       string
	Consent           string
	Status            string
	Priority          string
	AssignedTo        *int64
	Assignee          string
	Outcome           string
	Current           *Result
	History           []Result
	Decisions         []Decision
	Clusters          []ClusterRef
}

// Get returns the triage panel of the complaint with reference ref.
func (s *Service) Get(ctx context.Context, ref string) (*Detail, error) {
	q := dbsqlc.New(s.pool)
	r, err := q.ComplaintPanel(ctx, ref)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no complaint with reference %s.", ref)
	}
	if err != nil {
		return nil, err
	}
	d := &Detail{ID: r.ID, Reference: r.Reference, Channel: r.Channel, Party: r.Party, Election: r.Election, ReceivedAt: r.ReceivedAt,
		ReceivedAtHasTime: r.ReceivedAtHasTime,
		Sender:            r.Sender, Message: r.Message, Description: r.Description, Consent: r.Consent, Status: r.Status, Priority: r.Priority,
		AssignedTo: r.AssignedTo, Assignee: r.Assignee, Outcome: r.Outcome}
	if d.History, err = s.results(ctx, d.ID); err != nil {
		return nil, err
	}
	for i := range d.History {
		if d.History[i].Current {
			d.Current = &d.History[i]
		}
	}
	decisions, err := q.ComplaintDecisions(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	d.Decisions = make([]Decision, len(decisions))
	for i, x := range decisions {
		d.Decisions[i] = Decision{ID: x.ID, ResultID: x.TriageResultID, Kind: x.Kind, OriginalPriority: x.OriginalPriority,
			OriginalProvisions: x.OriginalProvisions, Priority: x.Priority, Provisions: x.Provisions, Reason: x.Reason,
			DecidedBy: x.DecidedBy, CreatedAt: x.CreatedAt}
	}
	clusters, err := q.ComplaintClusters(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	d.Clusters = make([]ClusterRef, len(clusters))
	for i, c := range clusters {
		d.Clusters[i] = ClusterRef{ID: c.ID, Kind: c.Kind, Label: c.Label, Size: int(c.Size)}
	}
	return d, nil
}

// results returns every triage result of a complaint, newest first.
func (s *Service) results(ctx context.Context, complaintID int64) ([]Result, error) {
	rows, err := dbsqlc.New(s.pool).ComplaintResults(ctx, complaintID)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(rows))
	for i, x := range rows {
		out[i] = Result{ID: x.ID, RulebookVersion: x.RulebookVersion, RulebookHash: x.RulebookHash, Channel: x.Channel,
			Channels: x.Channels, Provisions: x.Provisions, Guidance: x.Guidance, Score: int(x.Score), Priority: x.Priority,
			Actions: x.Actions, Rationale: x.Rationale, Context: x.Context, Current: x.IsCurrent, CreatedAt: x.CreatedAt,
			OutOfScope: x.OutOfScope}
		if x.Referral != nil {
			out[i].Referral = *x.Referral
		}
	}
	return out, nil
}

// Officer is a staff user who can be given complaints.
type Officer struct {
	ID    int64
	Email string
}

// Officers lists the active triage officers and administrators.
func (s *Service) Officers(ctx context.Context) ([]Officer, error) {
	rows, err := dbsqlc.New(s.pool).Officers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Officer, len(rows))
	for i, r := range rows {
		out[i] = Officer{ID: r.ID, Email: r.Email}
	}
	return out, nil
}
