package monitor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/jobs"
)

// london is the time zone dates are reckoned in (vocab's).
var london = vocab.London

// Monitor raises alerts and prepares digests.
type Monitor struct {
	pool   *pgxpool.Pool
	set    Settings
	client *jobs.Client
}

// UseClient sets the job client Check and SendDigests queue messages with
// when they are called outside a River job (from a command or a test);
// inside a job they use the job's own client.
func (m *Monitor) UseClient(c *jobs.Client) { m.client = c }

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

// surges finds, for every active election, party and channel, the
// complaints of the last 24 hours and the daily mean of the seven days
// before, keeping those over both thresholds. The channel is the triage
// engine's when the complaint has been triaged, else the one stated. A
// complaint linked as a repeat of another is not counted again.
const surges = `
WITH active AS (
    SELECT id FROM elections
    WHERE ($1::timestamptz AT TIME ZONE 'Europe/London')::date BETWEEN announced_on AND polling_day + follow_up_days
), counts AS (
    SELECT c.election_id, c.party_id, coalesce(t.channel, c.channel) AS channel,
        count(*) FILTER (WHERE c.received_at > $1::timestamptz - interval '24 hours') AS recent,
        count(*) FILTER (WHERE c.received_at <= $1::timestamptz - interval '24 hours') AS prior
    FROM complaints c
    LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
    WHERE c.election_id IN (SELECT id FROM active) AND c.party_id IS NOT NULL AND c.duplicate_of_id IS NULL
      AND c.received_at > $1::timestamptz - interval '8 days' AND c.received_at <= $1::timestamptz
    GROUP BY 1, 2, 3
)
SELECT election_id, party_id, channel, recent, prior / 7.0
FROM counts
WHERE recent >= $2 AND recent >= $3 * (prior / 7.0)
ORDER BY election_id, party_id, channel`

// Check raises an alert for each surge at now, except where the same
// party and channel had one within the cool-down, and queues one email per
// active member of the political team. It returns the alerts raised.
func (m *Monitor) Check(ctx context.Context, now time.Time) ([]Alert, error) {
	rows, err := m.pool.Query(ctx, surges, now, m.set.AlertMin, m.set.AlertFactor)
	if err != nil {
		return nil, err
	}
	type surge struct {
		election, party int64
		channel         string
		recent          int
		mean            float64
	}
	found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (surge, error) {
		var s surge
		err := r.Scan(&s.election, &s.party, &s.channel, &s.recent, &s.mean)
		return s, err
	})
	if err != nil {
		return nil, err
	}
	var raised []Alert
	for _, s := range found {
		a, ok, err := m.raise(ctx, now, s.election, s.party, s.channel, s.recent, s.mean)
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
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, fmt.Sprintf("alert:%d:%s", party, channel)); err != nil {
		return Alert{}, false, err
	}
	var cooling bool
	if err := tx.QueryRow(ctx, `
SELECT EXISTS (SELECT 1 FROM alerts WHERE party_id = $1 AND channel = $2 AND created_at > $3::timestamptz - $4::interval)`,
		party, channel, now, m.set.AlertCooldown.String()).Scan(&cooling); err != nil {
		return Alert{}, false, err
	}
	if cooling {
		return Alert{}, false, nil
	}
	a := Alert{ElectionID: election, PartyID: party, Channel: channel, WindowStart: now.Add(-24 * time.Hour), WindowEnd: now,
		Count: count, Mean: mean, Status: "open", CreatedAt: now}
	if err := tx.QueryRow(ctx, `
INSERT INTO alerts (election_id, party_id, channel, window_start, window_end, count_24h, mean_7d, min_count, factor, created_at)
VALUES ($1, $2, $3, $4, $5, $6, round($7::numeric, 2), $8, $9, $10)
RETURNING id, (SELECT name FROM elections WHERE id = $1), (SELECT name FROM parties WHERE id = $2)`,
		election, party, channel, a.WindowStart, a.WindowEnd, count, mean, m.set.AlertMin, m.set.AlertFactor, now,
	).Scan(&a.ID, &a.Election, &a.Party); err != nil {
		return Alert{}, false, err
	}
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

// ChannelLabel is how a channel is named in messages and pages: vocab's
// plural ("text messages").
func ChannelLabel(ch string) string { return vocab.ChannelPlural(ch) }

func alertEmail(a Alert, set Settings) (subject, body string) {
	subject = fmt.Sprintf("Complaint surge: %s, %s (%d in 24 hours)", a.Party, ChannelLabel(a.Channel), a.Count)
	var b strings.Builder
	fmt.Fprintf(&b, "Complaints about %s by %s have risen sharply.\n\n", a.Party, ChannelLabel(a.Channel))
	fmt.Fprintf(&b, "Election: %s\n", a.Election)
	fmt.Fprintf(&b, "Last 24 hours: %d complaints (up to %s)\n", a.Count, a.WindowEnd.In(london).Format("2 January 2006 15:04"))
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
	rows, err := tx.Query(ctx, `
INSERT INTO team_notifications (kind, ref_id, user_id, email, subject, body)
SELECT $1, $2, id, email, $3, $4 FROM staff_users WHERE role = 'political_team' AND disabled_at IS NULL
ON CONFLICT (kind, ref_id, user_id) DO NOTHING
RETURNING id`, kind, refID, subject, body)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		if m.client == nil {
			return fmt.Errorf("queue team messages: %w", err)
		}
		client = m.client
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: NotifyArgs{NotificationID: id}}
	}
	_, err = client.InsertManyTx(ctx, tx, params)
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
	rows, err := pool.Query(ctx, `
SELECT a.id, a.election_id, e.name, a.party_id, p.name, a.channel, a.window_start, a.window_end, a.count_24h,
    a.mean_7d::float8, a.status, a.created_at, a.closed_at
FROM alerts a JOIN elections e ON e.id = a.election_id JOIN parties p ON p.id = a.party_id
WHERE NOT $1 OR a.status = 'open'
ORDER BY a.status = 'open' DESC, a.created_at DESC LIMIT $2`, openOnly, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Alert, error) {
		var a Alert
		err := r.Scan(&a.ID, &a.ElectionID, &a.Election, &a.PartyID, &a.Party, &a.Channel, &a.WindowStart, &a.WindowEnd,
			&a.Count, &a.Mean, &a.Status, &a.CreatedAt, &a.ClosedAt)
		return a, err
	})
}

// CloseAlert marks an alert dealt with, audited for the actor in ctx.
func CloseAlert(ctx context.Context, pool *pgxpool.Pool, id int64) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	tag, err := tx.Exec(ctx, `UPDATE alerts SET status = 'closed', closed_at = now(), closed_by = $2 WHERE id = $1 AND status = 'open'`,
		id, audit.ActorFrom(ctx).UserID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	if err := audit.Record(ctx, tx, "alert.close", "alert", fmt.Sprint(id), audit.Change{
		Before: map[string]any{"status": "open"}, After: map[string]any{"status": "closed"},
	}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
