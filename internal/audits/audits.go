// Package audits is the regulator's party audit programme: programmes of
// audits, each audit's graded recommendations, the party's responses and
// progress with evidence, the follow-up review, and the outputs they end
// in (the follow-up report and letter to one party, the programme's
// summary report and workbook). It is casework the political team runs
// between elections; its open recommendations feed the next election's
// letters and reports.
//
// The service is the domain's only door: pages, the command line, jobs
// and other features call its methods, each one user action in one
// transaction, written to the audit log.
package audits

import (
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// Programme groups the audits done together, such as the 2019 round of
// seven parties.
type Programme struct {
	ID          int64
	Name        string
	NameCY      string
	Description string
	// SummaryTitle, SummaryTitleCY and SummaryURL name the published
	// summary report the follow-up letters refer to; PublishedOn is when
	// it was published.
	SummaryTitle   string
	SummaryTitleCY string
	SummaryURL     string
	PublishedOn    *time.Time
	// Findings are the programme's key findings, at most one per area, in
	// Areas order.
	Findings  []AreaFinding
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AreaFinding is a programme's key finding in one area.
type AreaFinding struct {
	Area      string
	Finding   string
	FindingCY string
}

// ProgrammeInput creates or changes a programme. Version must be the
// version the user saw when changing one (0 when creating).
type ProgrammeInput struct {
	Name           string
	NameCY         string
	Description    string
	SummaryTitle   string
	SummaryTitleCY string
	SummaryURL     string
	PublishedOn    *time.Time
	Findings       []AreaFinding
	Version        int
}

// Audit is one party's audit.
type Audit struct {
	ID            int64
	ProgrammeID   *int64
	ProgrammeName string
	PartyID       int64
	PartyName     string
	// Type is a code of Types; State of States; Assurance of Assurance
	// (empty until the report is issued); Conclusion of Conclusions
	// (empty until the follow-up review).
	Type           string
	NoticeOn       *time.Time
	FieldworkFrom  *time.Time
	FieldworkTo    *time.Time
	ReportOn       *time.Time
	FollowUpOn     *time.Time
	Scope          []string
	Auditors       []string
	Assurance      string
	State          string
	Conclusion     string
	ConclusionNote string
	GoodPractice   string
	GoodPracticeCY string
	// LetterBatchID is the follow-up letter's batch, once drafted, and
	// LetterBatchState that batch's state (held, scheduled, released or
	// cancelled; empty when there is none): a cancelled batch leaves room
	// for a new draft.
	LetterBatchID    *int64
	LetterBatchState string
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// Counts of the audit's recommendations, for lists: all, open (no
	// closing status) and overdue.
	Recommendations int
	Open            int
	Overdue         int
}

// Year is the year the audit's fieldwork began (or, before fieldwork is
// dated, the year it was created): the year a letter says the audit took
// place.
func (a *Audit) Year() int {
	if a.FieldworkFrom != nil {
		return a.FieldworkFrom.Year()
	}
	return a.CreatedAt.Year()
}

// AuditInput creates or changes an audit. Version must be the version the
// user saw when changing one (0 when creating).
type AuditInput struct {
	ProgrammeID    *int64
	PartyID        int64
	Type           string
	NoticeOn       *time.Time
	FieldworkFrom  *time.Time
	FieldworkTo    *time.Time
	ReportOn       *time.Time
	FollowUpOn     *time.Time
	Scope          []string
	Auditors       []string
	Assurance      string
	GoodPractice   string
	GoodPracticeCY string
	Version        int
}

// AuditFilter narrows Audits; zero fields do not filter.
type AuditFilter struct {
	ProgrammeID int64
	PartyID     int64
	State       string
}

// Recommendation is one graded recommendation of an audit, with the
// party's response and the follow-up review's status.
type Recommendation struct {
	ID        int64
	AuditID   int64
	Number    int
	Area      string
	Finding   string
	FindingCY string
	Action    string
	ActionCY  string
	Priority  string
	TargetOn  time.Time
	// Provisions and Guidance are ids of legal-reference.md (PECR-22,
	// UKGDPR-13; G2, BCC), checked against the rulebook in force.
	Provisions []string
	Guidance   []string
	// Response is nil until the party has answered.
	Response *Response
	// Status is a code of Statuses, empty until the follow-up review.
	Status     string
	StatusNote string
	ReviewedAt *time.Time
	// LastUpdate is the day of the latest progress update, if any.
	LastUpdate *time.Time
	// Overdue: past its target date, not closed, no update since then,
	// in an audit that is not closed.
	Overdue   bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	// Progress is filled by Recommendation (one), not by lists.
	Progress []Progress
}

// Ref is how people refer to the recommendation: "R7".
func (r *Recommendation) Ref() string { return "R" + strconv.Itoa(r.Number) }

// Open reports whether the recommendation still needs work.
func (r *Recommendation) Open() bool { return !Closed(r.Status) }

// RecommendationInput creates or changes a recommendation (entered on a
// page or one row of an import). Number 0 takes the audit's next number.
type RecommendationInput struct {
	Number     int
	Area       string
	Finding    string
	FindingCY  string
	Action     string
	ActionCY   string
	Priority   string
	TargetOn   time.Time
	Provisions []string
	Guidance   []string
	Version    int
}

// Response is the party's answer to a recommendation.
type Response struct {
	// Answer is a code of Responses.
	Answer string
	Action string
	Owner  string
	DueOn  *time.Time
	At     time.Time
}

// ResponseInput records the party's response. Version is the
// recommendation's version the user saw.
type ResponseInput struct {
	Answer  string
	Action  string
	Owner   string
	DueOn   *time.Time
	Version int
}

// Progress is one progress update from the party on a recommendation.
type Progress struct {
	ID               int64
	RecommendationID int64
	NotedOn          time.Time
	Note             string
	By               string
	CreatedAt        time.Time
	Evidence         []Evidence
}

// ProgressInput adds a progress update with its evidence files.
type ProgressInput struct {
	NotedOn time.Time
	Note    string
	Files   []Upload
}

// Upload is one evidence file as received; the service checks its
// content before keeping it.
type Upload struct {
	Name string
	Data []byte
}

// Evidence is a kept evidence file. Data is filled only by EvidenceFile.
type Evidence struct {
	ID          int64
	ProgressID  int64
	Filename    string
	ContentType string
	Size        int
	SHA256      string
	Data        []byte
}

// ReviewInput records the follow-up review: each recommendation's status
// (by recommendation id), the overall conclusion and the review's date.
// Version is the audit's version the user saw.
type ReviewInput struct {
	FollowUpOn     time.Time
	Statuses       map[int64]StatusInput
	Conclusion     string
	ConclusionNote string
	Version        int
}

// StatusInput is one recommendation's follow-up status.
type StatusInput struct {
	Status string
	Note   string
}

// ImportResult reports an import of recommendations: what was (or, in a
// dry run, would be) added, or every problem found, row by row, in which
// case nothing was stored.
type ImportResult struct {
	Rows     int
	Added    int
	Problems []ImportProblem
	DryRun   bool
}

// ImportProblem is one problem in an imported file: the row (the header
// is row 1), the column's header, and what is wrong, in words.
type ImportProblem struct {
	Row     int
	Column  string
	Message string
}

// ImportColumns are the columns an import accepts, matched to headers
// case-insensitively; provisions and guidance take several ids separated
// by ";" or ",".
var ImportColumns = []string{"number", "area", "priority", "finding", "action", "target_date",
	"provisions", "guidance", "finding_cy", "action_cy"}

// OverdueItem is one overdue recommendation for the digest and the
// dashboard of the programme.
type OverdueItem struct {
	AuditID    int64
	PartyID    int64
	PartyName  string
	Rec        Recommendation
	DaysLate   int
	LastUpdate *time.Time
}

// PartyOverview is what a party's page shows of the programme: its
// audits and its open urgent and high recommendations.
type PartyOverview struct {
	Audits []Audit
	Open   []OpenRecommendation
}

// OpenRecommendation is an open recommendation with its audit's label.
type OpenRecommendation struct {
	Recommendation
	AuditYear int
	AuditType string
}

// Known says which provision and guidance ids a recommendation may cite:
// the rulebook in force's, as triage uses them.
type Known struct {
	Provision func(id string) bool
	Guidance  func(id string) bool
	// ProvisionIDs and GuidanceIDs list them, for messages and pick lists.
	ProvisionIDs []string
	GuidanceIDs  []string
}

// Settings wire the service.
type Settings struct {
	Known Known
	// Org gives the regulator's particulars for reports and letters.
	Org organisation.Source
	// MailFrom and BaseURL are used by the overdue digest.
	MailFrom string
	BaseURL  string
	// DigestHour is the London hour from which the day's overdue digest
	// is written.
	DigestHour int
}

// Service is the audit programme.
type Service struct {
	pool     *pgxpool.Pool
	jobs     jobs.Inserter
	outreach *outreach.Service
	set      Settings
}

// NewService builds the audit programme on pool. letters drafts the
// follow-up letters; client enqueues jobs.
func NewService(pool *pgxpool.Pool, client jobs.Inserter, letters *outreach.Service, set Settings) *Service {
	return &Service{pool: pool, jobs: client, outreach: letters, set: set}
}

// errNotBuilt marks a method whose implementation has not landed yet.
var errNotBuilt = errors.New("not built yet")
