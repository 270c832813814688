package audits

import (
	"context"
	"time"
)

// Overdue lists the overdue recommendations on day, urgent and high first.
func (s *Service) Overdue(ctx context.Context, day time.Time) ([]OverdueItem, error) {
	return nil, errNotBuilt
}
