package monitor

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/campaignwatch/campaignwatch/complaints/monitor/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
)

// Monitor raises alerts and prepares digests.
//
// Check and SendDigests queue the team's messages with the client given
// to UseJobs, or else with the River client of the job they run in
// (river.ClientFromContext), so they work both as periodic jobs and when
// a command calls them directly.
type Monitor struct {
	pool *pgxpool.Pool
	set  Settings
	jobs teamInserter
}

// teamInserter is the part of a River client the team's messages are
// queued with.
type teamInserter interface {
	InsertManyTx(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// UseJobs makes the monitor queue the team's messages with jobs, the
// application's River client, instead of needing to run inside a job.
func (m *Monitor) UseJobs(jobs teamInserter) { m.jobs = jobs }

// New returns a monitor on pool.
func New(pool *pgxpool.Pool, set Settings) *Monitor {
	set.defaults()
	return &Monitor{pool: pool, set: set}
}

// Settings returns the monitor's settings with defaults applied.
func (m *Monitor) Settings() Settings { return m.set }

// Alert is one surge of complaints about a party on a channel.
type Alert struct {
	ID          int64
	ElectionID  int64
	Election    string
	PartyID     int64
	Party       string
	Channel     string
	WindowStart time.Time
	WindowEnd   time.Time
	Count       int
	Mean        float64
	Status      string
	CreatedAt   time.Time
	ClosedAt    *time.Time
}

// Check raises an alert for each surge at now, except where the same
// party and channel had one within the cool-down, and queues one email per
// active member of the political team. It returns the alerts raised.
func (m *Monitor) Check(ctx context.Context, now time.Time) ([]Alert, error) {
	found, err := dbsqlc.New(m.pool).Surges(ctx, dbsqlc.SurgesParams{Now: now, MinCount: int64(m.set.AlertMin), Factor: numeric(m.set.AlertFactor)})
	if err != nil {
		return nil, err
	}
	var raised []Alert
	for _, s := range found {
		a, ok, err := m.raise(ctx, now, s.ElectionID, s.PartyID, s.Channel, int(s.Recent), s.Mean)
		if err != nil {
			return raised, err
		}
		if ok {
			raised = append(raised, a)
		}
	}
	return raised, nil
}

func (m *Monitor) raise(ctx context.Context, now time.Time, election, party int64, channel string, count int, mean float64) (Alert, bool, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Label: "system"})
	tx, err := m.pool.Begin(ctx)
	if err != nil {
		return Alert{}, false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	// One check at a time per party and channel, so two overlapping runs
	// cannot both find no recent alert and both raise one.
	q := dbsqlc.New(tx)
	if err := q.LockAlertKey(ctx, fmt.Sprintf("alert:%d:%s", party, channel)); err != nil {
		return Alert{}, false, err
	}
	cooling, err := q.CoolingDown(ctx, dbsqlc.CoolingDownParams{PartyID: party, Channel: channel, Now: now, Cooldown: m.set.AlertCooldown.String()})
	if err != nil {
		return Alert{}, false, err
	}
	if cooling {
		return Alert{}, false, nil
	}
	a := Alert{ElectionID: election, PartyID: party, Channel: channel, WindowStart: now.Add(-24 * time.Hour), WindowEnd: now,
		Count: count, Mean: mean, Status: "open", CreatedAt: now}
	row, err := q.InsertAlert(ctx, dbsqlc.InsertAlertParams{
		ElectionID: election, PartyID: party, Channel: channel, WindowStart: a.WindowStart, WindowEnd: a.WindowEnd,
		Count24h: int32(count), Mean7d: numeric(mean), MinCount: int32(m.set.AlertMin), Factor: numeric(m.set.AlertFactor), CreatedAt: now,
	})
	if err != nil {
		return Alert{}, false, err
	}
	a.ID, a.Election, a.Party = row.ID, row.Election, row.Party
	subject, body := alertEmail(a, m.set)
	if err := m.notifyTeamTx(ctx, tx, "alert", a.ID, subject, body); err != nil {
		return Alert{}, false, err
	}
	if err := audit.Record(ctx, tx, "alert.raise", "alert", fmt.Sprint(a.ID), audit.Change{After: map[string]any{
		"election_id": election, "party_id": party, "channel": channel, "count_24h": count, "mean_7d": mean,
	}}); err != nil {
		return Alert{}, false, err
	}
	return a, true, tx.Commit(ctx)
}

func alertEmail(a Alert, set Settings) (subject, body string) {
	subject = fmt.Sprintf("Complaint surge: %s, %s (%d in 24 hours)", a.Party, vocab.ChannelPlural(a.Channel), a.Count)
	var b strings.Builder
	fmt.Fprintf(&b, "Complaints about %s by %s have risen sharply.\n\n", a.Party, vocab.ChannelPlural(a.Channel))
	fmt.Fprintf(&b, "Election: %s\n", a.Election)
	fmt.Fprintf(&b, "Last 24 hours: %d complaints (up to %s)\n", a.Count, a.WindowEnd.In(vocab.London).Format("2 January 2006 15:04"))
	fmt.Fprintf(&b, "Daily average over the 7 days before: %.1f\n", a.Mean)
	fmt.Fprintf(&b, "Alert rule: at least %d complaints and at least %g times the daily average.\n\n", set.AlertMin, set.AlertFactor)
	fmt.Fprintf(&b, "No other alert will be sent for this party and channel for %s.\n\n", humanDuration(set.AlertCooldown))
	fmt.Fprintf(&b, "See the alert: %s/staff/alerts\n", set.BaseURL)
	fmt.Fprintf(&b, "See the complaints: %s/staff/complaints?party=%d&channel=%s\n", set.BaseURL, a.PartyID, a.Channel)
	return subject, b.String()
}

func humanDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		h := int(d / time.Hour)
		if h == 1 {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", h)
	}
	return d.String()
}

// notifyTeamTx writes one message per active member of the political team
// and queues a job to send each, in tx.
func (m *Monitor) notifyTeamTx(ctx context.Context, tx pgx.Tx, kind string, refID int64, subject, body string) error {
	return notifyTeamWith(ctx, tx, m.jobs, kind, refID, subject, body)
}

// NotifyTeamTx writes, in tx, one team_notifications message of kind
// about refID per active member of the political team, and queues a
// NotifyArgs job to send each with the River client of the job ctx comes
// from. A message already written for the same kind, refID and member is
// not written again. It is how other features' digests (the audit
// programme's overdue digest, kind audit_digest) reach the team through
// the same per-recipient messages and mail worker as the complaint
// digests and alerts.
func NotifyTeamTx(ctx context.Context, tx pgx.Tx, kind string, refID int64, subject, body string) error {
	return notifyTeamWith(ctx, tx, nil, kind, refID, subject, body)
}

// notifyTeamWith is NotifyTeamTx queuing with jobs, or with the River
// client of ctx's job when jobs is nil.
func notifyTeamWith(ctx context.Context, tx pgx.Tx, jobs teamInserter, kind string, refID int64, subject, body string) error {
	ids, err := dbsqlc.New(tx).NotifyTeam(ctx, dbsqlc.NotifyTeamParams{Kind: kind, RefID: refID, Subject: subject, Body: body})
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	if jobs == nil {
		client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
		if err != nil {
			return fmt.Errorf("queue team messages (run inside a River job): %w", err)
		}
		jobs = client
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: NotifyArgs{NotificationID: id}}
	}
	_, err = jobs.InsertManyTx(ctx, tx, params)
	return err
}

// OpenAlerts returns the open alerts, newest first, for the dashboard.
func OpenAlerts(ctx context.Context, pool *pgxpool.Pool, limit int) ([]Alert, error) {
	return listAlerts(ctx, pool, true, limit)
}

// Alerts returns the latest alerts, open and closed, newest first.
func Alerts(ctx context.Context, pool *pgxpool.Pool, limit int) ([]Alert, error) {
	return listAlerts(ctx, pool, false, limit)
}

func listAlerts(ctx context.Context, pool *pgxpool.Pool, openOnly bool, limit int) ([]Alert, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := dbsqlc.New(pool).ListAlerts(ctx, dbsqlc.ListAlertsParams{OpenOnly: openOnly, MaxRows: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]Alert, len(rows))
	for i, r := range rows {
		out[i] = Alert{ID: r.ID, ElectionID: r.ElectionID, Election: r.Election, PartyID: r.PartyID, Party: r.Party, Channel: r.Channel,
			WindowStart: r.WindowStart, WindowEnd: r.WindowEnd, Count: int(r.Count24h), Mean: r.Mean7d, Status: r.Status,
			CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt}
	}
	return out, nil
}

// CloseAlert marks an alert dealt with, audited for the actor in ctx.
func CloseAlert(ctx context.Context, pool *pgxpool.Pool, id int64) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	n, err := dbsqlc.New(tx).CloseAlert(ctx, dbsqlc.CloseAlertParams{ID: id, ClosedBy: audit.ActorFrom(ctx).UserID})
	if err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	if err := audit.Record(ctx, tx, "alert.close", "alert", fmt.Sprint(id), audit.Change{
		Before: map[string]any{"status": "open"}, After: map[string]any{"status": "closed"},
	}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// numeric is f as a numeric parameter, in the decimal form pgx sends a
// float64 in (the shortest that reads back as f).
func numeric(f float64) pgtype.Numeric {
	switch {
	case math.IsNaN(f):
		return pgtype.Numeric{NaN: true, Valid: true}
	case math.IsInf(f, 1):
		return pgtype.Numeric{InfinityModifier: pgtype.Infinity, Valid: true}
	case math.IsInf(f, -1):
		return pgtype.Numeric{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	var n pgtype.Numeric
	_ = n.ScanScientific(strconv.FormatFloat(f, 'f', -1, 64)) // a finite float's decimal form always parses
	return n
}
