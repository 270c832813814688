package monitor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/audit"
)

// Digest is one election's daily summary.
type Digest struct {
	ID         int64
	ElectionID int64
	Date       time.Time
	Subject    string
	Body       string
}

// campaignElections are the elections in their campaign phase on the day:
// from announcement to polling day, inclusive.
const campaignElections = `
SELECT id, name, polling_day FROM elections
WHERE $1::date BETWEEN announced_on AND polling_day
ORDER BY polling_day, id`

// SendDigests writes today's digest (UK date) for every election in its
// campaign phase, once it is past the digest hour, and queues one email per
// member of the political team. A digest already written for the day is
// not written again. It returns the digests written by this call.
func (m *Monitor) SendDigests(ctx context.Context, now time.Time) ([]Digest, error) {
	local := now.In(london)
	if local.Hour() < m.set.DigestHour {
		return nil, nil
	}
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	rows, err := m.pool.Query(ctx, campaignElections, day)
	if err != nil {
		return nil, err
	}
	type election struct {
		id      int64
		name    string
		polling time.Time
	}
	els, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (election, error) {
		var e election
		err := r.Scan(&e.id, &e.name, &e.polling)
		return e, err
	})
	if err != nil {
		return nil, err
	}
	var out []Digest
	for _, e := range els {
		d, ok, err := m.digest(ctx, now, day, e.id, e.name, e.polling)
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

func (m *Monitor) digest(ctx context.Context, now, day time.Time, electionID int64, name string, polling time.Time) (Digest, bool, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Label: "system"})
	tx, err := m.pool.Begin(ctx)
	if err != nil {
		return Digest{}, false, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM sent_digests WHERE election_id = $1 AND digest_date = $2)`,
		electionID, day).Scan(&exists); err != nil || exists {
		return Digest{}, false, err
	}
	body, err := digestBody(ctx, tx, now, electionID, name, polling, day, m.set)
	if err != nil {
		return Digest{}, false, err
	}
	d := Digest{ElectionID: electionID, Date: day, Body: body,
		Subject: fmt.Sprintf("Daily complaints digest: %s, %s", name, day.Format("2 January 2006"))}
	// The unique key makes a concurrent run's insert do nothing; only the
	// run that wrote the row queues the messages.
	err = tx.QueryRow(ctx, `
INSERT INTO sent_digests (election_id, digest_date, subject, body) VALUES ($1, $2, $3, $4)
ON CONFLICT (election_id, digest_date) DO NOTHING RETURNING id`, electionID, day, d.Subject, d.Body).Scan(&d.ID)
	if err == pgx.ErrNoRows {
		return Digest{}, false, nil
	}
	if err != nil {
		return Digest{}, false, err
	}
	if err := m.notifyTeamTx(ctx, tx, "digest", d.ID, d.Subject, d.Body); err != nil {
		return Digest{}, false, err
	}
	if err := audit.Record(ctx, tx, "digest.send", "election", fmt.Sprint(electionID), audit.Change{
		After: map[string]any{"digest_date": day.Format("2006-01-02")},
	}); err != nil {
		return Digest{}, false, err
	}
	return d, true, tx.Commit(ctx)
}

// digestBody summarises the 24 hours to now: new complaints by party and
// channel, open urgent complaints and open alerts. It names no complainant.
func digestBody(ctx context.Context, tx pgx.Tx, now time.Time, electionID int64, name string, polling, day time.Time, set Settings) (string, error) {
	var b strings.Builder
	days := int(polling.Sub(day).Hours() / 24)
	fmt.Fprintf(&b, "Daily digest for %s, %s.\n", name, day.Format("Monday 2 January 2006"))
	switch {
	case days == 0:
		b.WriteString("Today is polling day.\n\n")
	case days == 1:
		b.WriteString("Polling day is tomorrow.\n\n")
	default:
		fmt.Fprintf(&b, "Polling day is in %d days.\n\n", days)
	}

	rows, err := tx.Query(ctx, `
SELECT coalesce(p.name, 'Party not identified'), coalesce(t.channel, c.channel), count(*)
FROM complaints c
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
WHERE c.election_id = $1 AND c.duplicate_of_id IS NULL AND c.created_at > $2::timestamptz - interval '24 hours' AND c.created_at <= $2
GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`, electionID, now)
	if err != nil {
		return "", err
	}
	type line struct {
		party, channel string
		n              int
	}
	lines, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (line, error) {
		var l line
		err := r.Scan(&l.party, &l.channel, &l.n)
		return l, err
	})
	if err != nil {
		return "", err
	}
	total := 0
	for _, l := range lines {
		total += l.n
	}
	fmt.Fprintf(&b, "NEW COMPLAINTS IN THE LAST 24 HOURS: %d\n", total)
	if total == 0 {
		b.WriteString("None.\n")
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "- %s, %s: %d\n", l.party, ChannelLabel(l.channel), l.n)
	}

	rows, err = tx.Query(ctx, `
SELECT c.reference, coalesce(p.name, 'Party not identified'), coalesce(t.channel, c.channel)
FROM complaints c
LEFT JOIN parties p ON p.id = c.party_id
LEFT JOIN triage_results t ON t.complaint_id = c.id AND t.is_current
WHERE c.election_id = $1 AND c.priority = 'urgent' AND c.status <> 'closed'
ORDER BY c.received_at DESC LIMIT 26`, electionID)
	if err != nil {
		return "", err
	}
	type urgent struct{ ref, party, channel string }
	urg, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (urgent, error) {
		var u urgent
		err := r.Scan(&u.ref, &u.party, &u.channel)
		return u, err
	})
	if err != nil {
		return "", err
	}
	b.WriteString("\nURGENT COMPLAINTS STILL OPEN\n")
	if len(urg) == 0 {
		b.WriteString("None.\n")
	}
	for i, u := range urg {
		if i == 25 {
			fmt.Fprintf(&b, "… and more: %s/staff/complaints?priority=urgent&election=%d\n", set.BaseURL, electionID)
			break
		}
		fmt.Fprintf(&b, "- %s (%s, %s): %s/staff/complaints/%s\n", u.ref, u.party, ChannelLabel(u.channel), set.BaseURL, u.ref)
	}

	rows, err = tx.Query(ctx, `
SELECT p.name, a.channel, a.count_24h, a.created_at FROM alerts a JOIN parties p ON p.id = a.party_id
WHERE a.election_id = $1 AND a.status = 'open' ORDER BY a.created_at DESC`, electionID)
	if err != nil {
		return "", err
	}
	type alert struct {
		party, channel string
		n              int
		at             time.Time
	}
	als, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (alert, error) {
		var a alert
		err := r.Scan(&a.party, &a.channel, &a.n, &a.at)
		return a, err
	})
	if err != nil {
		return "", err
	}
	b.WriteString("\nOPEN ALERTS\n")
	if len(als) == 0 {
		b.WriteString("None.\n")
	}
	for _, a := range als {
		fmt.Fprintf(&b, "- %s, %s: %d complaints in 24 hours (raised %s)\n", a.party, ChannelLabel(a.channel), a.n,
			a.at.In(london).Format("2 Jan 15:04"))
	}
	fmt.Fprintf(&b, "\nComplaints: %s/staff/complaints?election=%d\nAlerts: %s/staff/alerts\n", set.BaseURL, electionID, set.BaseURL)
	return b.String(), nil
}
