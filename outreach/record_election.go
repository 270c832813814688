package outreach

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/outreach/internal/dbsqlc"
)

// RecordElection records an election without writing to anyone: for an
// election whose letters went out some other way. in is checked and
// completed as for Call, and the election is audited as election.create.
func (s *Service) RecordElection(ctx context.Context, in ElectionInput) (*Election, error) {
	var e *Election
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		e, err = s.RecordElectionTx(ctx, tx, in, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// RecordElectionTx is RecordElection on tx, the caller's transaction: for
// demonstration data, whose election is stored with its complaints or not
// at all. summary, when not nil, is the election.create entry's summary
// in place of the election's own fields (the demo's says it is the
// demo's).
func (s *Service) RecordElectionTx(ctx context.Context, tx pgx.Tx, in ElectionInput, summary map[string]any) (*Election, error) {
	e, errs := in.normalise()
	if len(errs) > 0 {
		return nil, apperr.Fields(errs...)
	}
	r, err := dbsqlc.New(tx).InsertElection(ctx, dbsqlc.InsertElectionParams{Name: e.Name, NameCy: e.NameCY, Type: e.Type, Nations: e.Nations,
		AnnouncedOn: e.AnnouncedOn, PollingDay: e.PollingDay, RegulatedFrom: e.RegulatedFrom, FollowUpDays: int32(e.FollowUpDays),
		CreatedBy: audit.ActorFrom(ctx).UserID, Demo: in.Demo})
	if err != nil {
		return nil, err
	}
	e.ID, e.CreatedAt = r.ID, r.CreatedAt
	if summary == nil {
		summary = map[string]any{"name": e.Name, "type": e.Type, "nations": e.Nations, "announced_on": e.AnnouncedOn, "polling_day": e.PollingDay}
	}
	if err := audit.Record(ctx, tx, "election.create", "election", fmt.Sprint(e.ID), audit.Change{After: summary}); err != nil {
		return nil, err
	}
	return e, nil
}

// LatestElection returns the election of type typ with the latest polling
// day, or a NotFound error when there is none.
func (s *Service) LatestElection(ctx context.Context, typ string) (*Election, error) {
	return latestElection(ctx, dbsqlc.New(s.pool), typ)
}

// LatestElectionTx is LatestElection read on tx, the caller's
// transaction.
func (s *Service) LatestElectionTx(ctx context.Context, tx pgx.Tx, typ string) (*Election, error) {
	return latestElection(ctx, dbsqlc.New(tx), typ)
}

func latestElection(ctx context.Context, q *dbsqlc.Queries, typ string) (*Election, error) {
	r, err := q.LatestElectionOfType(ctx, typ)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "There is no %s.", TypeName(typ))
	}
	if err != nil {
		return nil, err
	}
	return &Election{ID: r.ID, Name: r.Name, NameCY: r.NameCy, Type: r.Type, Nations: r.Nations, AnnouncedOn: r.AnnouncedOn, PollingDay: r.PollingDay,
		RegulatedFrom: r.RegulatedFrom, FollowUpDays: int(r.FollowUpDays), CreatedAt: r.CreatedAt}, nil
}
