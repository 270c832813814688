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

// Overdue lists the overdue recommendations on day, urgent and high first.
func (s *Service) Overdue(ctx context.Context, day time.Time) ([]OverdueItem, error) {
	return nil, errNotBuilt
}
