package audits

import (
	"context"
	"time"
)

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
