package review_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

func (b *bundle) officer(t *testing.T, email string, role staff.Role) context.Context {
	t.Helper()
	svc := staff.NewService(b.pool, staff.Settings{}, fixture.InsertOnlyJobs(t, b.pool))
	u, err := svc.CreateUser(audit.WithActor(context.Background(), audit.Actor{Label: "test"}), email, role, "correct horse battery staple")
	require.NoError(t, err)
	return audit.WithActor(context.Background(), audit.Actor{UserID: &u.ID, Label: u.Email})
}

func (b *bundle) triaged(t *testing.T, s complaints.Submission) complaints.Receipt {
	t.Helper()
	rc := b.submit(t, s)
	_, err := b.pipeline.Triage(context.Background(), rc.ComplaintID)
	require.NoError(t, err)
	return rc
}

func TestQueueFiltersAndSorts(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	now := time.Now()
	textNoConsent := b.triaged(t, sms("07700900201", "Vote Example Party", now.Add(-3*time.Hour)))
	robo := sms("07700900202", "This is a recorded message from Example Party. Press 1 to hear more.", now.Add(-2*time.Hour))
	robo.Channel, robo.OptedOut = "automated_call", bp(true)
	robocall := b.triaged(t, robo)
	ad := sms("Example Party", "Sponsored post on Facebook", now.Add(-time.Hour))
	ad.Channel, ad.PartyText = "social_media_ad", "Some other group"
	advert := b.triaged(t, ad)
	untriaged := b.submit(t, sms("07700900204", "Hello", now))

	all, err := b.review.Queue(ctx, review.Filter{})
	require.NoError(t, err)
	require.Equal(t, 4, all.Total)
	require.Equal(t, robocall.Reference, all.Items[0].Reference, "most urgent first")
	require.Equal(t, untriaged.Reference, all.Items[3].Reference, "untriaged last")

	page, err := b.review.Queue(ctx, review.Filter{Channel: "automated_call"})
	require.NoError(t, err)
	require.Equal(t, []string{robocall.Reference}, refs(page))

	page, err = b.review.Queue(ctx, review.Filter{PartyID: &b.partyID, Sort: review.SortReceivedAsc})
	require.NoError(t, err)
	require.Equal(t, []string{textNoConsent.Reference, robocall.Reference, untriaged.Reference}, refs(page))

	page, err = b.review.Queue(ctx, review.Filter{Sort: review.SortReceived})
	require.NoError(t, err)
	require.Equal(t, []string{untriaged.Reference, advert.Reference, robocall.Reference, textNoConsent.Reference}, refs(page))

	// Highest score first, ties newest received first, the untriaged
	// (no score) last.
	page, err = b.review.Queue(ctx, review.Filter{Sort: review.SortScore})
	require.NoError(t, err)
	require.Len(t, page.Items, 4)
	require.Equal(t, untriaged.Reference, page.Items[3].Reference)
	for i := 1; i < 3; i++ {
		prev, cur := page.Items[i-1], page.Items[i]
		require.NotNil(t, cur.Score)
		require.True(t, *prev.Score > *cur.Score || *prev.Score == *cur.Score && prev.ReceivedAt.After(cur.ReceivedAt), "%v before %v", prev, cur)
	}

	page, err = b.review.Queue(ctx, review.Filter{Status: vocab.StatusNew})
	require.NoError(t, err)
	require.Equal(t, []string{untriaged.Reference}, refs(page))

	var prio string
	require.NoError(t, b.pool.QueryRow(ctx, `SELECT priority FROM complaints WHERE id = $1`, advert.ComplaintID).Scan(&prio))
	page, err = b.review.Queue(ctx, review.Filter{Priority: prio, Channel: "social_media_ad"})
	require.NoError(t, err)
	require.Equal(t, []string{advert.Reference}, refs(page))

	page, err = b.review.Queue(ctx, review.Filter{From: now.Add(-90 * time.Minute)})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{advert.Reference, untriaged.Reference}, refs(page))

	_, err = b.review.Queue(ctx, review.Filter{Priority: "severe"})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
}

func refs(p review.QueuePage) []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it.Reference)
	}
	return out
}

func TestOverrideKeepsOriginalAndIsAudited(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	officer := b.officer(t, "officer@example.org", staff.RoleTriageOfficer)
	rc := b.triaged(t, sms("07700900301", "Vote Example Party", time.Now().Add(-time.Hour)))
	before, err := b.review.Get(officer, rc.Reference)
	require.NoError(t, err)

	err = b.review.Override(officer, rc.Reference, review.Override{Priority: "urgent", Provisions: []string{"PECR-22", "UKGDPR-14"}})
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "a reason is required")
	require.Equal(t, "reason", apperr.FieldsOf(err)[0].Field)

	require.NoError(t, b.review.Override(officer, rc.Reference, review.Override{
		Priority: "urgent", Provisions: []string{"PECR-22", "UKGDPR-14"}, Reason: "Sent to a child's phone"}))
	after, err := b.review.Get(officer, rc.Reference)
	require.NoError(t, err)
	require.Equal(t, "urgent", after.Priority)
	require.Equal(t, vocab.StatusInReview, after.Status)
	require.Equal(t, before.Current.Priority, after.Current.Priority, "the engine's result is unchanged")
	require.Len(t, after.Decisions, 1)
	dec := after.Decisions[0]
	require.Equal(t, before.Current.Priority, dec.OriginalPriority)
	require.Equal(t, before.Current.Provisions, dec.OriginalProvisions)
	require.Equal(t, []string{"PECR-22", "UKGDPR-14"}, dec.Provisions)
	require.Equal(t, "officer@example.org", dec.DecidedBy)

	entries, err := audit.List(context.Background(), b.pool, audit.Filter{Action: "complaint.triage_override", ObjectID: rc.Reference})
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.Equal(t, "officer@example.org", entries[0].Actor)
	var sum struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	}
	require.NoError(t, json.Unmarshal(entries[0].Summary, &sum))
	require.Equal(t, "Sent to a child's phone", sum.After["reason"])
	require.Equal(t, before.Current.Priority, sum.Before["priority"])

	// A re-triage with the same rulebook leaves the officer's priority.
	_, err = b.pipeline.Triage(context.Background(), rc.ComplaintID)
	require.NoError(t, err)
	again, err := b.review.Get(officer, rc.Reference)
	require.NoError(t, err)
	require.Equal(t, "urgent", again.Priority)
}

func TestAssignAndBulkClose(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	officer := b.officer(t, "officer@example.org", staff.RoleTriageOfficer)
	analyst := b.officer(t, "analyst@example.org", staff.RoleAnalyst)
	var ids []string
	for _, s := range []string{"07700900401", "07700900402", "07700900403"} {
		ids = append(ids, b.triaged(t, sms(s, "Vote Example Party "+s, time.Now().Add(-time.Hour))).Reference)
	}
	officerID := *audit.ActorFrom(officer).UserID
	analystID := *audit.ActorFrom(analyst).UserID

	_, err := b.review.Assign(officer, ids[:2], &analystID)
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "analysts cannot be given complaints")
	n, err := b.review.Assign(officer, ids[:2], &officerID)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	page, err := b.review.Queue(context.Background(), review.Filter{AssignedTo: &officerID})
	require.NoError(t, err)
	require.ElementsMatch(t, ids[:2], refs(page))
	page, err = b.review.Queue(context.Background(), review.Filter{Unassigned: true})
	require.NoError(t, err)
	require.Equal(t, ids[2:], refs(page))

	_, err = b.review.Close(officer, ids, "")
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err))
	_, err = b.review.Close(officer, append([]string{"CW-ZZZZ-ZZZZ"}, ids...), "no_breach")
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))
	require.Equal(t, 0, b.count(t, `SELECT count(*) FROM complaints WHERE status = 'closed'`), "all or nothing")

	n, err = b.review.Close(officer, ids, "advice_given")
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, 3, b.count(t, `SELECT count(*) FROM complaints WHERE status = 'closed' AND closed_at IS NOT NULL`))
	require.Equal(t, 3, b.count(t, `SELECT count(*) FROM complaint_reviews WHERE outcome = 'advice_given'`))
	require.Equal(t, 3, b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.close'`))
	require.Equal(t, 2, b.count(t, `SELECT count(*) FROM audit_log WHERE action = 'complaint.assign'`))
	n, err = b.review.Close(officer, ids, "advice_given")
	require.NoError(t, err)
	require.Equal(t, 0, n, "closing again changes nothing")

	require.NoError(t, b.review.StartReview(officer, ids[0]))
	d, err := b.review.Get(officer, ids[0])
	require.NoError(t, err)
	require.Equal(t, vocab.StatusInReview, d.Status)
	require.Empty(t, d.Outcome)
}
