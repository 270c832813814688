package review

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/review/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
)

// MaxReason is the longest reason an officer may give, in characters.
const MaxReason = 2000

// MaxBulk is the most complaints one bulk action may change.
const MaxBulk = 500

// Override is an officer's change to a triage result.
type Override struct {
	Priority   string
	Provisions []string
	Reason     string
}

type lockedComplaint struct {
	id       int64
	ref      string
	status   string
	priority string
	result   *int64
	resPrio  string
	resProvs []string
}

// lockTx locks the complaint (and reads its current triage result), so two
// officers acting at once are applied one after the other.
func lockTx(ctx context.Context, tx pgx.Tx, ref string) (*lockedComplaint, error) {
	r, err := dbsqlc.New(tx).LockComplaintByRef(ctx, ref)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no complaint with reference %s.", ref)
	}
	return &lockedComplaint{id: r.ID, ref: r.Reference, status: r.Status, priority: r.Priority, result: r.ResultID,
		resPrio: r.ResultPriority, resProvs: r.ResultProvisions}, err
}

func (s *Service) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func actorID(ctx context.Context) *int64 { return audit.ActorFrom(ctx).UserID }

// Accept records that an officer agrees with the current triage result:
// the complaint takes the result's priority and moves to in review.
func (s *Service) Accept(ctx context.Context, ref string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := lockTx(ctx, tx, ref)
		if err != nil {
			return err
		}
		if c.result == nil {
			return apperr.New(apperr.Conflict, "Complaint %s has not been triaged yet, so there is nothing to accept.", ref)
		}
		return s.decideTx(ctx, tx, c, "accept", c.resPrio, c.resProvs, "")
	})
}

// Override replaces the current result's priority and provisions with
// the officer's, for the reason given. The engine's result is kept.
func (s *Service) Override(ctx context.Context, ref string, o Override) error {
	o.Reason = strings.TrimSpace(o.Reason)
	provs := make([]string, 0, len(o.Provisions))
	for _, p := range o.Provisions {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(provs, p) {
			provs = append(provs, p)
		}
	}
	var errs []apperr.FieldError
	if !vocab.IsPriority(o.Priority) {
		errs = append(errs, apperr.FieldError{Field: "priority", Code: "required", Message: "Choose the priority this complaint should have"})
	}
	for _, p := range provs {
		if s.knownProvision != nil && !s.knownProvision(p) {
			errs = append(errs, apperr.FieldError{Field: "provisions", Code: "invalid", Message: "Choose provisions from the rulebook's list (" + p + " is not one)"})
			break
		}
	}
	switch {
	case o.Reason == "":
		errs = append(errs, apperr.FieldError{Field: "reason", Code: "required", Message: "Enter why you are changing the triage result"})
	case len([]rune(o.Reason)) > MaxReason:
		errs = append(errs, apperr.FieldError{Field: "reason", Code: "too_long", Message: "The reason must be 2,000 characters or fewer"})
	}
	if len(errs) > 0 {
		return apperr.Fields(errs...)
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := lockTx(ctx, tx, ref)
		if err != nil {
			return err
		}
		if c.result == nil {
			return apperr.New(apperr.Conflict, "Complaint %s has not been triaged yet, so there is nothing to override.", ref)
		}
		return s.decideTx(ctx, tx, c, "override", o.Priority, provs, o.Reason)
	})
}

func (s *Service) decideTx(ctx context.Context, tx pgx.Tx, c *lockedComplaint, kind, priority string, provs []string, reason string) error {
	q := dbsqlc.New(tx)
	if err := q.InsertDecision(ctx, dbsqlc.InsertDecisionParams{
		ComplaintID: c.id, TriageResultID: *c.result, Kind: kind, OriginalPriority: c.resPrio, OriginalProvisions: c.resProvs,
		Priority: priority, Provisions: provs, Reason: reason, DecidedBy: actorID(ctx),
	}); err != nil {
		return err
	}
	status := c.status
	if status == vocab.StatusTriaged || status == vocab.StatusNew {
		status = vocab.StatusInReview
	}
	if err := q.SetDecidedPriority(ctx, dbsqlc.SetDecidedPriorityParams{ID: c.id, Priority: &priority, Status: status}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, "complaint.triage_"+kind, "complaint", c.ref, audit.Change{
		Before: map[string]any{"priority": c.priority, "provisions": c.resProvs, "status": c.status, "triage_result_id": *c.result},
		After:  map[string]any{"priority": priority, "provisions": provs, "status": status, "reason": reason},
	})
}

// StartReview moves a triaged (or reopens a closed) complaint to in review.
func (s *Service) StartReview(ctx context.Context, ref string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		c, err := lockTx(ctx, tx, ref)
		if err != nil {
			return err
		}
		switch c.status {
		case vocab.StatusInReview:
			return nil
		case vocab.StatusNew:
			return apperr.New(apperr.Conflict, "Complaint %s has not been triaged yet. Wait for triage, or close it with an outcome.", ref)
		}
		q := dbsqlc.New(tx)
		if err := q.StartReview(ctx, c.id); err != nil {
			return err
		}
		if err := q.ReopenReview(ctx, c.id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "complaint.review_start", "complaint", c.ref, audit.Change{
			Before: map[string]any{"status": c.status}, After: map[string]any{"status": vocab.StatusInReview},
		})
	})
}

// Close closes the complaints with references refs with outcome, in one
// transaction: all or none. Complaints already closed with the same
// outcome are left as they are.
func (s *Service) Close(ctx context.Context, refs []string, outcome string) (int, error) {
	if !vocab.IsOutcome(outcome) {
		return 0, apperr.Fields(apperr.FieldError{Field: "outcome", Code: "required", Message: "Choose the outcome of the complaint"})
	}
	refs, err := checkRefs(refs)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		for _, ref := range refs {
			c, err := lockTx(ctx, tx, ref)
			if err != nil {
				return err
			}
			q := dbsqlc.New(tx)
			// No review row yet is no outcome yet.
			before, _ := q.ReviewOutcome(ctx, c.id)
			if c.status == vocab.StatusClosed && before == outcome {
				continue
			}
			if err := q.CloseComplaint(ctx, c.id); err != nil {
				return err
			}
			if err := q.CloseReview(ctx, dbsqlc.CloseReviewParams{ComplaintID: c.id, Outcome: &outcome, ClosedBy: actorID(ctx)}); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, "complaint.close", "complaint", c.ref, audit.Change{
				Before: map[string]any{"status": c.status, "outcome": before},
				After:  map[string]any{"status": vocab.StatusClosed, "outcome": outcome},
			}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Assign gives the complaints with references refs to the officer with
// id officerID, or takes them from whoever has them when officerID is nil.
func (s *Service) Assign(ctx context.Context, refs []string, officerID *int64) (int, error) {
	refs, err := checkRefs(refs)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		if officerID != nil {
			_, err := q.ActiveOfficerEmail(ctx, *officerID)
			if errors.Is(err, pgx.ErrNoRows) {
				return apperr.Fields(apperr.FieldError{Field: "officer", Code: "invalid", Message: "Choose an active triage officer or administrator"})
			}
			if err != nil {
				return err
			}
		}
		for _, ref := range refs {
			c, err := lockTx(ctx, tx, ref)
			if err != nil {
				return err
			}
			// No review row yet is nobody assigned.
			before, _ := q.AssignedTo(ctx, c.id)
			if (before == nil && officerID == nil) || (before != nil && officerID != nil && *before == *officerID) {
				continue
			}
			if err := q.Assign(ctx, dbsqlc.AssignParams{ComplaintID: c.id, AssignedTo: officerID}); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, "complaint.assign", "complaint", c.ref, audit.Change{
				Before: map[string]any{"assigned_to": before},
				After:  map[string]any{"assigned_to": officerID},
			}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func checkRefs(refs []string) ([]string, error) {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, apperr.Fields(apperr.FieldError{Field: "refs", Code: "required", Message: "Select at least one complaint"})
	}
	if len(out) > MaxBulk {
		return nil, apperr.Fields(apperr.FieldError{Field: "refs", Code: "too_many", Message: "Select 500 complaints or fewer at a time"})
	}
	// Rows are locked in this order: one order for every caller means two
	// overlapping bulk actions queue behind each other instead of
	// deadlocking.
	slices.Sort(out)
	return out, nil
}
