package audits

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/monitor"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
)

// Overdue lists the recommendations overdue on day (a London calendar
// day): open (no status, or one that is not completed or no longer
// applicable), in an audit that is not closed, past their target date,
// with no progress update noted on or after it. Urgent first, then high,
// medium and low; within a priority the longest late first.
func (s *Service) Overdue(ctx context.Context, day time.Time) ([]OverdueItem, error) {
	return overdue(ctx, dbsqlc.New(s.pool), day)
}

func overdue(ctx context.Context, q *dbsqlc.Queries, on time.Time) ([]OverdueItem, error) {
	on = day(on)
	rows, err := q.OverdueRecommendations(ctx, on)
	if err != nil {
		return nil, err
	}
	out := make([]OverdueItem, len(rows))
	for i, r := range rows {
		rec := recOf(dbsqlc.AuditRecommendationsRow{ID: r.ID, AuditID: r.AuditID, Number: r.Number, Area: r.Area, Finding: r.Finding,
			FindingCy: r.FindingCy, Action: r.Action, ActionCy: r.ActionCy, Priority: r.Priority, TargetOn: r.TargetOn, Provisions: r.Provisions,
			Guidance: r.Guidance, Response: r.Response, ResponseAction: r.ResponseAction, ResponseOwner: r.ResponseOwner,
			ResponseDueOn: r.ResponseDueOn, RespondedAt: r.RespondedAt, Status: r.Status, StatusNote: r.StatusNote, ReviewedAt: r.ReviewedAt,
			Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, LastUpdate: r.LastUpdate, Overdue: true})
		out[i] = OverdueItem{AuditID: r.AuditID, PartyID: r.PartyID, PartyName: r.PartyName, Rec: rec,
			DaysLate: int(on.Sub(rec.TargetOn).Hours() / 24), LastUpdate: rec.LastUpdate}
	}
	return out, nil
}

// Digest is one day's overdue digest as written.
type Digest struct {
	ID      int64
	Date    time.Time
	Subject string
	Body    string
	Items   int
}

// SendOverdueDigest writes today's overdue digest (London day) once it
// is past Settings.DigestHour, and queues one email per active member of
// the political team through team_notifications (kind audit_digest), with
// the River client of the job ctx comes from. A day has at most one
// digest (audit_digests' unique day), so a repeated or concurrent run
// writes and sends nothing; a day with nothing overdue has none. It
// returns the digest written by this call, or nil.
func (s *Service) SendOverdueDigest(ctx context.Context, now time.Time) (*Digest, error) {
	local := now.In(vocab.London)
	if local.Hour() < s.set.DigestHour {
		return nil, nil
	}
	on := vocab.Day(now)
	ctx = audit.WithActor(ctx, audit.Actor{Label: "system"})
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	q := dbsqlc.New(tx)
	if done, err := q.AuditDigestWritten(ctx, on); err != nil || done {
		return nil, err
	}
	items, err := overdue(ctx, q, on)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	d := &Digest{Date: on, Items: len(items), Body: digestBody(on, items, s.set.BaseURL),
		Subject: fmt.Sprintf("Overdue audit recommendations: %d on %s", len(items), formatDate(on))}
	if len(items) == 1 {
		d.Subject = "Overdue audit recommendations: 1 on " + formatDate(on)
	}
	// The unique day makes a concurrent run's insert write nothing; only
	// the run that wrote the row queues the messages.
	d.ID, err = q.InsertAuditDigest(ctx, dbsqlc.InsertAuditDigestParams{DigestDate: on, Subject: d.Subject, Body: d.Body, Items: int32(d.Items)})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := monitor.NotifyTeamTx(ctx, tx, "audit_digest", d.ID, d.Subject, d.Body); err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, tx, "audit_digest.send", "audit_digest", fmt.Sprint(d.ID), audit.Change{
		After: map[string]any{"digest_date": on.Format(time.DateOnly), "items": d.Items}}); err != nil {
		return nil, err
	}
	return d, tx.Commit(ctx)
}

// digestBody lists the overdue recommendations in plain text, urgent
// first, with labels rather than codes. It names parties and
// recommendations only: nothing about any complainant.
func digestBody(on time.Time, items []OverdueItem, baseURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Overdue audit recommendations, %s.\n\n", vocab.FormatDay(on, "en"))
	if len(items) == 1 {
		b.WriteString("1 recommendation is past its target date with no progress update since.\n")
	} else {
		fmt.Fprintf(&b, "%d recommendations are past their target date with no progress update since.\n", len(items))
	}
	prio := ""
	for _, it := range items {
		r := it.Rec
		if r.Priority != prio {
			prio = r.Priority
			fmt.Fprintf(&b, "\n%s PRIORITY\n", strings.ToUpper(Priorities.Label(prio, "en")))
		}
		late := fmt.Sprintf("%d days late", it.DaysLate)
		if it.DaysLate == 1 {
			late = "1 day late"
		}
		last := "no progress update yet"
		if it.LastUpdate != nil {
			last = "last update " + formatDate(*it.LastUpdate)
		}
		fmt.Fprintf(&b, "- %s, %s (%s): %s, target %s; %s\n  %s/staff/audits/recommendations/%d\n",
			it.PartyName, r.Ref(), Areas.Label(r.Area, "en"), late, formatDate(r.TargetOn), last, baseURL, r.ID)
	}
	fmt.Fprintf(&b, "\nAll audits: %s/staff/audits\n", baseURL)
	return b.String()
}
