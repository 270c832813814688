package audits

import (
	"context"

	"github.com/campaignwatch/campaignwatch/outreach"
)

// FollowUpReport is the follow-up report for one party's audit: the
// audit, its recommendations by area and priority with their status at
// follow-up, status by priority, and what remains open.
type FollowUpReport struct {
	Audit           Audit
	Programme       *Programme
	Recommendations []Recommendation
	// Languages are the languages the party reads ("en", or "cy" and
	// "en"): a party with Welsh readers gets the report in both.
	Languages []string
}

// FollowUpReport builds the follow-up report of an audit.
func (s *Service) FollowUpReport(ctx context.Context, auditID int64) (*FollowUpReport, error) {
	return nil, errNotBuilt
}

// DraftLetter drafts the audit-follow-up letter to the audited party's
// contacts, with the follow-up report attached, as a held batch.
func (s *Service) DraftLetter(ctx context.Context, auditID int64) (*outreach.CallResult, error) {
	return nil, errNotBuilt
}

// Summary is the programme summary report.
type Summary struct {
	Programme Programme
	Audits    []Audit
}

// Summary builds a programme's summary report.
func (s *Service) Summary(ctx context.Context, programmeID int64) (*Summary, error) {
	return nil, errNotBuilt
}

// Workbook builds the programme's workbook (Audits, Recommendations and
// Progress sheets and a chart).
func (s *Service) Workbook(ctx context.Context, programmeID int64) ([]byte, error) {
	return nil, errNotBuilt
}
