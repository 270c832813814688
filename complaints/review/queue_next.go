package review

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/sqlfilter"
)

// where adds the filter's conditions to a statement of queue.sql.
func (f Filter) where(b *sqlfilter.Builder) {
	if f.Priority != "" {
		b.Where("priority", "priority", f.Priority)
	}
	if f.Status != "" {
		b.Where("status", "status", f.Status)
	}
	if f.PartyID != nil {
		b.Where("party", "party_id", *f.PartyID)
	}
	if f.Channel != "" {
		b.Where("channel", "channel", f.Channel)
	}
	if f.Referral != "" {
		b.Where("referral", "referral", f.Referral)
	}
	if f.OutOfScope {
		b.Where("out_of_scope")
	}
	if f.ElectionID != nil {
		b.Where("election", "election_id", *f.ElectionID)
	}
	if f.ClusterID != nil {
		b.Where("cluster", "cluster_id", *f.ClusterID)
	}
	if f.Unassigned {
		b.Where("unassigned")
	} else if f.AssignedTo != nil {
		b.Where("assigned_to", "assigned_to", *f.AssignedTo)
	}
	if !f.From.IsZero() {
		b.Where("from", "from", f.From)
	}
	if !f.To.IsZero() {
		b.Where("to", "to", f.To)
	}
}

// Next returns the reference of the complaint after ref in the queue f
// chooses, in f's order, however far down the queue ref is. When ref is
// not in that queue (triaging it may have taken it out), the next one is
// the queue's first. It returns "" when nothing is left; it never wraps
// round to the start.
func (s *Service) Next(ctx context.Context, f Filter, ref string) (string, error) {
	if err := f.Validate(); err != nil {
		return "", err
	}
	sort := cmp.Or(f.Sort, SortPriority)
	priorities := vocab.PriorityCodes()

	pos := queueQueries.Builder("position").Bind("priorities", priorities, "reference", ref)
	f.where(pos)
	sql, args := pos.Build()
	var (
		id       int64
		received time.Time
		rank     int32
		score    int32
	)
	err := s.pool.QueryRow(ctx, sql, args).Scan(&id, &received, &rank, &score)
	inQueue := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", err
	}

	b := queueQueries.Builder("next").OrderBy(queueOrder[sort]).Bind("priorities", priorities)
	f.where(b)
	if inQueue {
		after := map[string]string{SortPriority: "after_priority", SortReceived: "after_received",
			SortReceivedAsc: "after_received_asc", SortScore: "after_score"}[sort]
		b.Where(after, "after_received", received, "after_id", id)
		switch sort {
		case SortPriority:
			b.Bind("after_rank", rank)
		case SortScore:
			b.Bind("after_score", score)
		}
	}
	sql, args = b.Build()
	var next string
	err = s.pool.QueryRow(ctx, sql, args).Scan(&next)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return next, err
}
