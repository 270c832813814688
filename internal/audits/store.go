package audits

import (
	"context"
	"time"
)

// CreateProgramme creates a programme.
func (s *Service) CreateProgramme(ctx context.Context, in ProgrammeInput) (*Programme, error) {
	return nil, errNotBuilt
}

// UpdateProgramme changes a programme; in.Version must be current.
func (s *Service) UpdateProgramme(ctx context.Context, id int64, in ProgrammeInput) (*Programme, error) {
	return nil, errNotBuilt
}

// Programme returns one programme with its key findings.
func (s *Service) Programme(ctx context.Context, id int64) (*Programme, error) {
	return nil, errNotBuilt
}

// Programmes lists every programme, newest first.
func (s *Service) Programmes(ctx context.Context) ([]Programme, error) { return nil, errNotBuilt }

// CreateAudit creates an audit in state planned.
func (s *Service) CreateAudit(ctx context.Context, in AuditInput) (*Audit, error) {
	return nil, errNotBuilt
}

// UpdateAudit changes an audit's particulars; in.Version must be current.
func (s *Service) UpdateAudit(ctx context.Context, id int64, in AuditInput) (*Audit, error) {
	return nil, errNotBuilt
}

// Audit returns one audit.
func (s *Service) Audit(ctx context.Context, id int64) (*Audit, error) { return nil, errNotBuilt }

// Audits lists audits, newest first.
func (s *Service) Audits(ctx context.Context, f AuditFilter) ([]Audit, error) {
	return nil, errNotBuilt
}

// Advance moves an audit to its next state (States order), checking
// that what the next state needs is recorded. version must be current.
func (s *Service) Advance(ctx context.Context, id int64, to string, version int) (*Audit, error) {
	return nil, errNotBuilt
}

// AddRecommendation adds a recommendation to an audit.
func (s *Service) AddRecommendation(ctx context.Context, auditID int64, in RecommendationInput) (*Recommendation, error) {
	return nil, errNotBuilt
}

// UpdateRecommendation changes a recommendation; in.Version must be current.
func (s *Service) UpdateRecommendation(ctx context.Context, id int64, in RecommendationInput) (*Recommendation, error) {
	return nil, errNotBuilt
}

// Recommendation returns one recommendation with its progress updates.
func (s *Service) Recommendation(ctx context.Context, id int64) (*Recommendation, error) {
	return nil, errNotBuilt
}

// Recommendations lists an audit's recommendations by number.
func (s *Service) Recommendations(ctx context.Context, auditID int64) ([]Recommendation, error) {
	return nil, errNotBuilt
}

// ImportRecommendations adds the recommendations of a CSV or XLSX file to
// an audit, all or none.
func (s *Service) ImportRecommendations(ctx context.Context, auditID int64, data []byte, dryRun bool) (*ImportResult, error) {
	return nil, errNotBuilt
}

// RecordResponse records the party's response to a recommendation.
func (s *Service) RecordResponse(ctx context.Context, recID int64, in ResponseInput) (*Recommendation, error) {
	return nil, errNotBuilt
}

// AddProgress adds a progress update with its evidence.
func (s *Service) AddProgress(ctx context.Context, recID int64, in ProgressInput) (*Progress, error) {
	return nil, errNotBuilt
}

// EvidenceFile returns one evidence file with its content.
func (s *Service) EvidenceFile(ctx context.Context, id int64) (*Evidence, error) {
	return nil, errNotBuilt
}

// RecordReview records the follow-up review.
func (s *Service) RecordReview(ctx context.Context, auditID int64, in ReviewInput) (*Audit, error) {
	return nil, errNotBuilt
}

// Overdue lists the overdue recommendations on day, urgent and high first.
func (s *Service) Overdue(ctx context.Context, day time.Time) ([]OverdueItem, error) {
	return nil, errNotBuilt
}

// PartyOverview returns a party's audits and open urgent and high
// recommendations.
func (s *Service) PartyOverview(ctx context.Context, partyID int64) (*PartyOverview, error) {
	return nil, errNotBuilt
}

// OpenRecommendations returns each party's open recommendations (of
// audits not closed), urgent first: what an election reminder can mention.
func (s *Service) OpenRecommendations(ctx context.Context, partyIDs []int64) (map[int64][]OpenRecommendation, error) {
	return nil, errNotBuilt
}
