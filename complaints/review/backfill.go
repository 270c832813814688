package review

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

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
			outOfScope, referral := storedScope(it.ComplaintID, r)
			rationale, err := json.Marshal(nonNil(r.Rationale))
			if err != nil {
				return err
			}
			results = append(results, dbsqlc.BackfillResultsParams{ComplaintID: it.ComplaintID, RulebookVersion: r.RulebookVersion,
				RulebookHash: r.RulebookHash, Channel: r.Channel, Channels: nonNil(r.Channels), Provisions: nonNil(r.Provisions),
				Guidance: nonNil(r.Guidance), Score: int32(r.Score), Priority: r.Priority, Actions: nonNil(r.Actions), Rationale: rationale,
				OutOfScope: outOfScope, Referral: referral})
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

// storedScope is whether res is stored as out of scope, and its referral
// as stored (nil when in scope). The database requires a referral exactly
// when a result is out of scope, and one inconsistent result would fail
// the insert of its whole batch, leaving every complaint in it untriaged;
// so a result is out of scope only when it names a referral too. A result
// with one and not the other is an engine bug: it is logged (the complaint
// id and the flags only, nothing the complainant wrote) and stored in
// scope, where a person will read it.
func storedScope(complaintID int64, res *triage.Result) (outOfScope bool, referral *string) {
	if res.OutOfScope && res.Referral != "" {
		r := res.Referral
		return true, &r
	}
	if res.OutOfScope || res.Referral != "" {
		slog.Error("triage result with out_of_scope and referral disagreeing: stored in scope",
			"complaint_id", complaintID, "out_of_scope", res.OutOfScope, "has_referral", res.Referral != "")
	}
	return false, nil
}
