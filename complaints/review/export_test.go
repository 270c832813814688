package review

import (
	"context"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

// TextCandidatesSQL is the text candidate read, for tests that watch for it.
var TextCandidatesSQL, _ = database.Statement(newQueries, func(q *dbsqlc.Queries) {
	_, _ = q.TextCandidates(context.Background(), dbsqlc.TextCandidatesParams{})
})

// TriageInput is complaint id as the pipeline gives it to the engine, for
// a test that intake's referral reads a complaint the same way.
func (p *Pipeline) TriageInput(ctx context.Context, id int64) (triage.Complaint, error) {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return triage.Complaint{}, err
	}
	defer tx.Rollback(ctx)
	rows, err := dbsqlc.New(tx).LockComplaints(ctx, []int64{id})
	if err != nil || len(rows) == 0 {
		return triage.Complaint{}, err
	}
	return storedComplaints(rows)[0].in, nil
}
