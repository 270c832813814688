package complaints

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
)

// TriageSource builds the triage engine's Context from the database, for
// the triage command line: the registered elections, the active parties
// and, for "other complaints about the same sender in the 7 days before",
// the triage sender index (complaint_senders, the engine's own normalised
// sender keys). It implements triage.ContextSource; the engine itself
// stays free of I/O.
type TriageSource struct {
	Pool *pgxpool.Pool
	// CountTimeout bounds each same-sender count query (default 2s).
	CountTimeout time.Duration
}

var _ triage.ContextSource = TriageSource{}

// Context reads the elections and parties once; counts are queried per
// complaint.
func (s TriageSource) Context(ctx context.Context) (*triage.Context, error) {
	q := dbsqlc.New(s.Pool)
	els, err := q.TriageElections(ctx)
	if err != nil {
		return nil, fmt.Errorf("triage context: elections: %w", err)
	}
	elections := make([]triage.Election, len(els))
	for i, e := range els {
		elections[i] = triage.Election{Name: e.Name, AnnouncedOn: e.AnnouncedOn, PollingDay: e.PollingDay, Nations: e.Nations}
	}
	ps, err := q.TriageParties(ctx)
	if err != nil {
		return nil, fmt.Errorf("triage context: parties: %w", err)
	}
	parties := make([]triage.Party, len(ps))
	for i, p := range ps {
		parties[i] = triage.Party{Name: p.Name, ShortName: p.ShortName, Aliases: p.Aliases, Nations: p.Nations}
	}
	counter := &senderCounter{q: q, timeout: s.CountTimeout, ctx: ctx}
	return triage.NewContext(elections, parties, counter), nil
}

// senderCounter counts recent complaints per sender with one query each.
// A failed query counts as zero rather than failing the triage: the count
// only adds points.
type senderCounter struct {
	q       *dbsqlc.Queries
	timeout time.Duration
	ctx     context.Context
}

// RecentComplaints implements triage.SenderCounter.
func (c *senderCounter) RecentComplaints(key string, before time.Time) int {
	if key == "" {
		return 0
	}
	if before.IsZero() {
		before = time.Now()
	}
	timeout := c.timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(c.ctx, timeout)
	defer cancel()
	n, err := c.q.RecentSenderComplaints(ctx, dbsqlc.RecentSenderComplaintsParams{SenderKey: key, Moment: before})
	if err != nil {
		return 0
	}
	return int(n)
}
