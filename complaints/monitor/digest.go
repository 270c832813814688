package monitor

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/monitor/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
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

// SendDigests writes today's digest (UK date) for every election in its
// campaign phase, once it is past the digest hour, and queues one email per
// member of the political team. A digest already written for the day is
// not written again. It returns the digests written by this call.
func (m *Monitor) SendDigests(ctx context.Context, now time.Time) ([]Digest, error) {
	local := now.In(vocab.London)
	if local.Hour() < m.set.DigestHour {
		return nil, nil
	}
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	els, err := dbsqlc.New(m.pool).CampaignElections(ctx, day)
	if err != nil {
		return nil, err
	}
	var out []Digest
	for _, e := range els {
		d, ok, err := m.digest(ctx, now, day, e.ID, e.Name, e.PollingDay)
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
	q := dbsqlc.New(tx)
	if exists, err := q.DigestWritten(ctx, dbsqlc.DigestWrittenParams{ElectionID: electionID, DigestDate: day}); err != nil || exists {
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
	d.ID, err = q.InsertDigest(ctx, dbsqlc.InsertDigestParams{ElectionID: electionID, DigestDate: day, Subject: d.Subject, Body: d.Body})
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

	q := dbsqlc.New(tx)
	lines, err := q.NewComplaintsByPartyAndChannel(ctx, dbsqlc.NewComplaintsByPartyAndChannelParams{ElectionID: electionID, Now: now})
	if err != nil {
		return "", err
	}
	total, err := q.NewComplaintsCount(ctx, dbsqlc.NewComplaintsCountParams{ElectionID: electionID, Now: now})
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "NEW COMPLAINTS IN THE LAST 24 HOURS: %d\n", total)
	if total == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("A complaint that reports several channels is listed under each.\n")
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "- %s, %s: %d\n", l.Party, vocab.ChannelPlural(l.Channel), l.N)
	}
	// Out-of-scope complaints (a scam pretending to be a party, a polling
	// station matter) are not the party's: counted apart, not under it.
	outOfScope, err := q.NewOutOfScopeCount(ctx, dbsqlc.NewOutOfScopeCountParams{ElectionID: electionID, Now: now})
	if err != nil {
		return "", err
	}
	if outOfScope > 0 {
		fmt.Fprintf(&b, "- %d out of scope, referred elsewhere\n", outOfScope)
	}

	urg, err := q.OpenUrgentComplaints(ctx, electionID)
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
		fmt.Fprintf(&b, "- %s (%s, %s): %s/staff/complaints/%s\n", u.Reference, u.Party, vocab.ChannelPlural(u.Channel), set.BaseURL, u.Reference)
	}

	als, err := q.OpenElectionAlerts(ctx, electionID)
	if err != nil {
		return "", err
	}
	b.WriteString("\nOPEN ALERTS\n")
	if len(als) == 0 {
		b.WriteString("None.\n")
	}
	for _, a := range als {
		fmt.Fprintf(&b, "- %s, %s: %d complaints in 24 hours (raised %s)\n", a.Party, vocab.ChannelPlural(a.Channel), a.Count24h,
			a.CreatedAt.In(vocab.London).Format("2 Jan 15:04"))
	}
	fmt.Fprintf(&b, "\nComplaints: %s/staff/complaints?election=%d\nAlerts: %s/staff/alerts\n", set.BaseURL, electionID, set.BaseURL)
	return b.String(), nil
}
