package review

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
)

// Backfilled is the triage and review state of a complaint recorded after
// the fact (complaints.Service.Backfill): its triage result, if it had
// been triaged, and its outcome, if it had been closed.
type Backfilled struct {
	ComplaintID int64
	Result      *triage.Result
	Outcome     string
}

// BackfillTx stores the triage results (each its complaint's current one)
// and review outcomes of backfilled complaints on tx, the transaction the
// complaints were backfilled in (complaints.Service.BackfillTx), copied
// in bulk. The results are stored as given: backfilled complaints are not
// re-triaged, clustered or counted as senders, as they never went through
// the pipeline.
func (p *Pipeline) BackfillTx(ctx context.Context, tx pgx.Tx, items []Backfilled) error {
	var results []dbsqlc.BackfillResultsParams
	var outcomes []dbsqlc.BackfillOutcomesParams
	for _, it := range items {
		if r := it.Result; r != nil {
			rationale, err := json.Marshal(nonNil(r.Rationale))
			if err != nil {
				return err
			}
			results = append(results, dbsqlc.BackfillResultsParams{ComplaintID: it.ComplaintID, RulebookVersion: r.RulebookVersion,
				RulebookHash: r.RulebookHash, Channel: r.Channel, Channels: nonNil(r.Channels), Provisions: nonNil(r.Provisions),
				Guidance: nonNil(r.Guidance), Score: int32(r.Score), Priority: r.Priority, Actions: nonNil(r.Actions), Rationale: rationale,
				OutOfScope: r.OutOfScope, Referral: referralOf(r)})
		}
		if it.Outcome != "" {
			outcomes = append(outcomes, dbsqlc.BackfillOutcomesParams{ComplaintID: it.ComplaintID, Outcome: &it.Outcome})
		}
	}
	if len(results) == 0 && len(outcomes) == 0 {
		return nil
	}
	q := dbsqlc.New(tx)
	if _, err := q.BackfillResults(ctx, results); err != nil {
		return fmt.Errorf("backfill triage results: %w", err)
	}
	if _, err := q.BackfillOutcomes(ctx, outcomes); err != nil {
		return fmt.Errorf("backfill review outcomes: %w", err)
	}
	return nil
}

// referralOf is the result's referral as stored: null when in scope.
func referralOf(r *triage.Result) *string {
	if !r.OutOfScope || r.Referral == "" {
		return nil
	}
	return &r.Referral
}
