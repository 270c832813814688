package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// The review statuses of a complaint, in the order a complaint moves
// through them; vocab defines them.
const (
	StatusNew      = vocab.StatusNew
	StatusTriaged  = vocab.StatusTriaged
	StatusInReview = vocab.StatusInReview
	StatusClosed   = vocab.StatusClosed
)

// Statuses lists the statuses in order.
var Statuses = vocab.StatusCodes()

// Outcomes are how a closed complaint ended.
var Outcomes = vocab.OutcomeCodes()

// Priorities are the triage bands, most urgent first.
var Priorities = vocab.PriorityCodes()

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
	Priority   string
	Status     string
	PartyID    *int64
	Channel    string // the stated or any inferred channel
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
	ID            int64
	Reference     string
	ReceivedAt    time.Time
	Channel       string // as the complainant said
	TriageChannel string // as the engine inferred ("" until triaged)
	Channels      []string
	Party         string
	PartyID       *int64
	Election      string
	Status        string
	Priority      string // effective priority ("" until triaged)
	Score         *int
	Provisions    []string
	AssignedTo    string
	Outcome       string
	SenderCluster *int64
	TextCluster   *int64
	ClusterSize   int
}

// QueuePage is one page of the queue.
type QueuePage struct {
	Items   []Item
	Total   int
	Page    int
	PerPage int
}

const queueSelect = `
SELECT c.id, c.reference, c.received_at, c.channel, coalesce(t.channel, ''), coalesce(t.channels, '{}'),
    coalesce(p.name, c.party_text), c.party_id, coalesce(e.name, ''), c.status, coalesce(c.priority, ''),
    t.score, coalesce(d.provisions, t.provisions, '{}'), coalesce(u.email, ''), coalesce(r.outcome, ''),
    sc.cluster_id, tc.cluster_id, greatest(coalesce(sk.size, 0), coalesce(tk.size, 0)),
    count(*) OVER ()
FROM complaints c
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
LEFT JOIN LATERAL (SELECT provisions FROM triage_decisions x WHERE x.complaint_id = c.id ORDER BY x.id DESC LIMIT 1) d ON true
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN elections e ON e.id = c.election_id
LEFT JOIN complaint_reviews r ON r.complaint_id = c.id
LEFT JOIN staff_users u ON u.id = r.assigned_to
LEFT JOIN complaint_cluster_members sc ON sc.complaint_id = c.id AND sc.kind = 'sender'
LEFT JOIN complaint_clusters sk ON sk.id = sc.cluster_id
LEFT JOIN complaint_cluster_members tc ON tc.complaint_id = c.id AND tc.kind = 'text'
LEFT JOIN complaint_clusters tk ON tk.id = tc.cluster_id`

// Validate checks the filter's values, naming the field at fault.
func (f *Filter) Validate() error {
	var errs []apperr.FieldError
	if f.Priority != "" && !contains(Priorities, f.Priority) {
		errs = append(errs, apperr.FieldError{Field: "priority", Code: "invalid", Message: "Choose urgent, high, medium or low"})
	}
	if f.Status != "" && !contains(Statuses, f.Status) {
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
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Priority != "" {
		add("c.priority = $?", f.Priority)
	}
	if f.Status != "" {
		add("c.status = $?", f.Status)
	}
	if f.PartyID != nil {
		add("c.party_id = $?", *f.PartyID)
	}
	if f.Channel != "" {
		add("(c.channel = $? OR t.channel = $? OR $? = ANY(t.channels))", f.Channel)
	}
	if f.ElectionID != nil {
		add("c.election_id = $?", *f.ElectionID)
	}
	if f.ClusterID != nil {
		add("(sc.cluster_id = $? OR tc.cluster_id = $?)", *f.ClusterID)
	}
	if f.Unassigned {
		where = append(where, "r.assigned_to IS NULL")
	} else if f.AssignedTo != nil {
		add("r.assigned_to = $?", *f.AssignedTo)
	}
	if !f.From.IsZero() {
		add("c.received_at >= $?", f.From)
	}
	if !f.To.IsZero() {
		add("c.received_at < $?", f.To)
	}
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	sql := queueSelect
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	switch f.Sort {
	case SortReceived:
		sql += " ORDER BY c.received_at DESC, c.id DESC"
	case SortReceivedAsc:
		sql += " ORDER BY c.received_at, c.id"
	case SortScore:
		sql += " ORDER BY t.score DESC NULLS LAST, c.received_at DESC, c.id DESC"
	default:
		// vocab's order, most pressing first; no priority sorts last.
		args = append(args, vocab.PriorityCodes())
		sql += fmt.Sprintf(" ORDER BY coalesce(array_position($%d::text[], c.priority), %d), c.received_at DESC, c.id DESC", len(args), len(vocab.Priorities))
	}
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	sql += fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)-1, len(args))
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return QueuePage{}, err
	}
	page := QueuePage{Page: f.Page, PerPage: f.PerPage}
	page.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Item, error) {
		var it Item
		err := r.Scan(&it.ID, &it.Reference, &it.ReceivedAt, &it.Channel, &it.TriageChannel, &it.Channels,
			&it.Party, &it.PartyID, &it.Election, &it.Status, &it.Priority, &it.Score, &it.Provisions,
			&it.AssignedTo, &it.Outcome, &it.SenderCluster, &it.TextCluster, &it.ClusterSize, &page.Total)
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
			out = append(out, s)
			continue
		}
		var m map[string]any
		if json.Unmarshal(e, &m) == nil {
			out = append(out, describeRationale(m))
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
	ID          int64
	Reference   string
	Channel     string
	Party       string
	Election    string
	ReceivedAt  time.Time
	Sender      string
	Message     string
	Description string
	Consent     string
	Status      string
	Priority    string
	AssignedTo  *int64
	Assignee    string
	Outcome     string
	Current     *Result
	History     []Result
	Decisions   []Decision
	Clusters    []ClusterRef
}

// Get returns the triage panel of the complaint with reference ref.
func (s *Service) Get(ctx context.Context, ref string) (*Detail, error) {
	d := &Detail{}
	err := s.pool.QueryRow(ctx, `
SELECT c.id, c.reference, c.channel, coalesce(p.name, c.party_text), coalesce(e.name, ''), c.received_at,
    c.sender, c.message, c.description, c.consent, c.status, coalesce(c.priority, ''),
    r.assigned_to, coalesce(u.email, ''), coalesce(r.outcome, '')
FROM complaints c
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN elections e ON e.id = c.election_id
LEFT JOIN complaint_reviews r ON r.complaint_id = c.id
LEFT JOIN staff_users u ON u.id = r.assigned_to
WHERE c.reference = $1`, ref).Scan(&d.ID, &d.Reference, &d.Channel, &d.Party, &d.Election, &d.ReceivedAt,
		&d.Sender, &d.Message, &d.Description, &d.Consent, &d.Status, &d.Priority, &d.AssignedTo, &d.Assignee, &d.Outcome)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no complaint with reference %s.", ref)
	}
	if err != nil {
		return nil, err
	}
	if d.History, err = s.results(ctx, d.ID); err != nil {
		return nil, err
	}
	for i := range d.History {
		if d.History[i].Current {
			d.Current = &d.History[i]
		}
	}
	rows, err := s.pool.Query(ctx, `
SELECT x.id, x.triage_result_id, x.kind, x.original_priority, x.original_provisions, x.priority, x.provisions,
    x.reason, coalesce(u.email, ''), x.created_at
FROM triage_decisions x LEFT JOIN staff_users u ON u.id = x.decided_by
WHERE x.complaint_id = $1 ORDER BY x.id DESC`, d.ID)
	if err != nil {
		return nil, err
	}
	d.Decisions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Decision, error) {
		var x Decision
		err := r.Scan(&x.ID, &x.ResultID, &x.Kind, &x.OriginalPriority, &x.OriginalProvisions, &x.Priority,
			&x.Provisions, &x.Reason, &x.DecidedBy, &x.CreatedAt)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.pool.Query(ctx, `
SELECT k.id, k.kind, k.label, k.size FROM complaint_cluster_members m JOIN complaint_clusters k ON k.id = m.cluster_id
WHERE m.complaint_id = $1 ORDER BY k.kind`, d.ID)
	if err != nil {
		return nil, err
	}
	d.Clusters, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClusterRef, error) {
		var c ClusterRef
		err := r.Scan(&c.ID, &c.Kind, &c.Label, &c.Size)
		return c, err
	})
	return d, err
}

// results returns every triage result of a complaint, newest first.
func (s *Service) results(ctx context.Context, complaintID int64) ([]Result, error) {
	rows, err := s.pool.Query(ctx, `
SELECT id, rulebook_version, rulebook_hash, channel, channels, provisions, guidance, score, priority, actions,
    rationale, context, is_current, created_at
FROM triage_results WHERE complaint_id = $1 ORDER BY id DESC`, complaintID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanResult)
}

func scanResult(r pgx.CollectableRow) (Result, error) {
	var x Result
	err := r.Scan(&x.ID, &x.RulebookVersion, &x.RulebookHash, &x.Channel, &x.Channels, &x.Provisions, &x.Guidance,
		&x.Score, &x.Priority, &x.Actions, &x.Rationale, &x.Context, &x.Current, &x.CreatedAt)
	return x, err
}

// Officer is a staff user who can be given complaints.
type Officer struct {
	ID    int64
	Email string
}

// Officers lists the active triage officers and administrators.
func (s *Service) Officers(ctx context.Context) ([]Officer, error) {
	rows, err := s.pool.Query(ctx, `
SELECT id, email FROM staff_users
WHERE disabled_at IS NULL AND role IN ('triage_officer', 'admin') ORDER BY email`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Officer, error) {
		var o Officer
		err := r.Scan(&o.ID, &o.Email)
		return o, err
	})
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
