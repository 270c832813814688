package audits_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// TestAuditProgrammeEndToEnd is the check, with real PostgreSQL,
// SMTP and River: a programme and an audit are created, 40
// recommendations imported, responses and a follow-up review recorded,
// the party's report and letter generated, the letter released by a
// second person and sent; exactly that party's active contacts receive
// one message each with the report attached, and the letters are
// recorded as sent.
func TestAuditProgrammeEndToEnd(t *testing.T) {
	t.Parallel()
	pool := testdb.New(t)
	f := fixture.New(t, pool)
	base := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	me := newMailEnv(t, base, pool)
	svc := audits.NewService(pool, fixture.InsertOnlyJobs(t, pool), me.letters, f.AuditSettings())
	author := fixture.As(context.Background(), f.User(fixture.UserRole(staff.RolePoliticalTeam)))
	colleague := fixture.As(context.Background(), f.User(fixture.UserRole(staff.RolePoliticalTeam)))

	party := f.Party(fixture.PartyName("Example Party"))
	second := f.Contact(party.ID)
	former := f.Contact(party.ID)
	_, err := pool.Exec(base, `UPDATE party_contacts SET active = false WHERE id = $1`, former.ID)
	require.NoError(t, err)
	bystander := f.Party(fixture.PartyName("Another Party"))
	f.Contact(bystander.ID)

	// 1. A programme and an audit.
	published := vocab.Today().AddDate(0, 0, -100)
	prog, err := svc.CreateProgramme(author, audits.ProgrammeInput{Name: "Party audits", NameCY: "Archwiliadau pleidiau",
		SummaryTitle: "Audits of data protection compliance by political parties", SummaryTitleCY: "Archwiliadau o gydymffurfiaeth pleidiau",
		SummaryURL: "https://regulator.example.org/party-audits", PublishedOn: &published,
		Findings: []audits.AreaFinding{{Area: "privacy_information", Finding: "Privacy information was hard to find.", FindingCY: "Roedd gwybodaeth preifatrwydd yn anodd dod o hyd iddi."}}})
	require.NoError(t, err)
	day := func(n int) *time.Time { d := vocab.Today().AddDate(0, 0, n); return &d }
	a, err := svc.CreateAudit(author, audits.AuditInput{ProgrammeID: &prog.ID, PartyID: party.ID, Type: "compulsory",
		NoticeOn: day(-200), FieldworkFrom: day(-180), FieldworkTo: day(-170), ReportOn: day(-150),
		Scope: []string{"fairness_transparency", "social_media"}, Auditors: []string{"A. Auditor"}, Assurance: "limited",
		GoodPractice: "A clear data protection lead at party headquarters."})
	require.NoError(t, err)
	a, err = svc.Advance(author, a.ID, "fieldwork", a.Version)
	require.NoError(t, err)

	// 2. Forty recommendations imported: 13 urgent, 15 high, 10 medium,
	// 2 low.
	rows := [][]string{{"area", "priority", "finding", "action", "target_date", "provisions", "guidance"}}
	prios := priorities(13, 15, 10, 2)
	areas := audits.Areas.Codes()
	for i, p := range prios {
		rows = append(rows, []string{areas[i%5], p, fmt.Sprintf("Finding %d", i+1), fmt.Sprintf("Action %d", i+1),
			vocab.Today().AddDate(0, 0, -60+i).Format(time.DateOnly), "UKGDPR-13; PECR-22", "G3"})
	}
	res, err := svc.ImportRecommendations(author, a.ID, csvOf(rows...), false)
	require.NoError(t, err)
	require.Empty(t, res.Problems)
	require.Equal(t, 40, res.Added)
	a, err = svc.Audit(author, a.ID)
	require.NoError(t, err)
	a, err = svc.Advance(author, a.ID, "report_issued", a.Version)
	require.NoError(t, err)

	// 3. The party's responses and the follow-up review.
	recs, err := svc.Recommendations(author, a.ID)
	require.NoError(t, err)
	require.Len(t, recs, 40)
	statuses := map[int64]audits.StatusInput{}
	for i, r := range recs {
		_, err := svc.RecordResponse(author, r.ID, audits.ResponseInput{Answer: "agreed", Action: "We will put it right.", Owner: "Data lead", Version: r.Version})
		require.NoError(t, err)
		st := "completed"
		switch {
		case i%4 == 1:
			st = "meaningful_progress"
		case i%10 == 3:
			st = "some_progress"
		}
		statuses[r.ID] = audits.StatusInput{Status: st, Note: "Checked against the evidence."}
	}
	a, err = svc.Audit(author, a.ID)
	require.NoError(t, err)
	a, err = svc.RecordReview(author, a.ID, audits.ReviewInput{FollowUpOn: vocab.Today(), Statuses: statuses,
		Conclusion: "meaningful_progress", Version: a.Version})
	require.NoError(t, err)
	require.Equal(t, "follow_up", a.State)

	// 4. The party's report and its letter.
	rep, err := svc.FollowUpReport(author, a.ID)
	require.NoError(t, err)
	require.Len(t, rep.Recommendations, 40)
	var open int
	require.NoError(t, pool.QueryRow(base, `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1 AND status NOT IN ('completed', 'no_longer_applicable')`, a.ID).Scan(&open))
	require.Len(t, rep.Remaining("en"), open)
	pdf, err := rep.PDF()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(pdf), "%PDF-"))
	batch, err := svc.DraftLetter(author, a.ID)
	require.NoError(t, err)
	require.Equal(t, "held", batch.BatchState)
	require.Empty(t, me.smtp.Messages(), "a held batch sends nothing")
	_, err = svc.DraftLetter(author, a.ID)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "one live letter batch per audit")

	// 5. Released by someone other than its author (four eyes), and sent
	// by the send worker.
	_, err = me.letters.ReleaseBatch(author, batch.BatchID)
	require.Equal(t, apperr.Forbidden, apperr.CodeOf(err))
	n, err := me.letters.ReleaseBatch(colleague, batch.BatchID)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	// 6. Exactly that party's active contacts, one message each, with the
	// report attached; the letters recorded as sent.
	msgs := me.smtp.WaitFor(t, 2, 30*time.Second)
	requireLetters(t, msgs, []string{party.Contacts[0].Email, second.Email}, party.Name, prog.SummaryTitle)
	for _, m := range msgs {
		require.NotContains(t, m.To, former.Email)
		require.False(t, slices.ContainsFunc(bystander.Contacts, func(c parties.Contact) bool { return slices.Contains(m.To, c.Email) }))
	}
	require.Eventually(t, func() bool {
		var sent int
		require.NoError(t, pool.QueryRow(base, `SELECT count(*) FROM letters WHERE batch_id = $1 AND state = 'sent' AND sent_at IS NOT NULL`, batch.BatchID).Scan(&sent))
		return sent == 2
	}, 30*time.Second, 50*time.Millisecond)
	var letters, others int
	require.NoError(t, pool.QueryRow(base, `SELECT count(*) FILTER (WHERE party_id = $2), count(*) FILTER (WHERE party_id <> $2) FROM letters WHERE batch_id = $1`,
		batch.BatchID, party.ID).Scan(&letters, &others))
	require.Equal(t, []int{2, 0}, []int{letters, others})
	var linked int64
	require.NoError(t, pool.QueryRow(base, `SELECT letter_batch_id FROM audits WHERE id = $1`, a.ID).Scan(&linked))
	require.Equal(t, batch.BatchID, linked)
	var logged int
	require.NoError(t, pool.QueryRow(base, `SELECT count(*) FROM audit_log WHERE action = 'audit.letter' AND object_id = $1::bigint::text`, a.ID).Scan(&logged))
	require.Equal(t, 1, logged)

	// The programme's summary counts what SQL counts.
	sum, err := svc.Summary(author, prog.ID)
	require.NoError(t, err)
	var pct int
	require.NoError(t, pool.QueryRow(base, `SELECT round(100.0 * count(*) FILTER (WHERE r.priority IN ('urgent', 'high')) / count(*))::int
		FROM audit_recommendations r JOIN audits a ON a.id = r.audit_id WHERE a.programme_id = $1`, prog.ID).Scan(&pct))
	require.Equal(t, pct, sum.UrgentOrHigh().Percent)
	require.Equal(t, 70, pct, "28 of 40")
}
