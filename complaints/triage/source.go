package triage

import "context"

// ContextSource builds the Context triage runs with. It is the hook
// between the pure engine and wherever elections, parties and complaint
// counts are kept (complaints.TriageSource reads them from the database).
type ContextSource interface {
	Context(ctx context.Context) (*Context, error)
}
