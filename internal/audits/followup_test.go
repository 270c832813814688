package audits_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
)

func TestResponsesReviewAndClosing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.f.Audit(fixture.AuditState("report_issued"), fixture.AuditRecs(fixture.DefaultRec(), fixture.DefaultRec(fixture.RecPriority("urgent"))))
	require.Equal(t, "report_issued", a.State)
	recs, err := e.svc.Recommendations(e.ctx, a.ID)
	require.NoError(t, err)
	r1, r2 := recs[0], recs[1]

	_, err = e.svc.RecordResponse(e.ctx, r1.ID, audits.ResponseInput{Version: r1.Version, DueOn: days(-151)})
	require.Equal(t, map[string]string{
		"answer": "Choose the party's response",
		"action": "Enter the action the party will take",
		"owner":  "Enter who is responsible for the action",
		"due_on": "The due date must be the same as or after the date of the report, " + vocab.FormatDate(*a.ReportOn, "en"),
	}, fields(t, err))
	_, err = e.svc.RecordResponse(e.ctx, r1.ID, audits.ResponseInput{Answer: "not_agreed", Version: r1.Version})
	require.Equal(t, map[string]string{"action": "Enter the party's reason for not agreeing"}, fields(t, err))

	got, err := e.svc.RecordResponse(e.ctx, r1.ID, audits.ResponseInput{Answer: "not_agreed", Action: "We already comply.", Version: r1.Version})
	require.NoError(t, err)
	require.Equal(t, "not_agreed", got.Response.Answer)
	require.Equal(t, r1.Version+1, got.Version)
	_, err = e.svc.RecordResponse(e.ctx, r1.ID, audits.ResponseInput{Answer: "agreed", Action: "x", Owner: "y", Version: r1.Version})
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "a stale version")

	_, err = e.svc.Advance(e.ctx, a.ID, "follow_up", a.Version)
	require.Equal(t, map[string]string{"responses": "Record the party's response to R2 before starting the follow-up"}, fields(t, err))
	due := days(10)
	r2b, err := e.svc.RecordResponse(e.ctx, r2.ID, audits.ResponseInput{Answer: "partly_agreed", Action: "Rewrite the notice.", Owner: "DPO", DueOn: due, Version: r2.Version})
	require.NoError(t, err)
	require.Equal(t, *due, *r2b.Response.DueOn)
	a, err = e.svc.Advance(e.ctx, a.ID, "follow_up", a.Version)
	require.NoError(t, err)

	// Closing needs the conclusion and every status.
	_, err = e.svc.Advance(e.ctx, a.ID, "closed", a.Version)
	require.Equal(t, map[string]string{
		"conclusion": "Choose the follow-up review's conclusion before closing the audit",
		"statuses":   "Give R1 and R2 a follow-up status before closing the audit",
	}, fields(t, err))

	// The review needs a status for every recommendation.
	_, err = e.svc.RecordReview(e.ctx, a.ID, audits.ReviewInput{FollowUpOn: *days(-160), Version: a.Version,
		Statuses: map[int64]audits.StatusInput{r1.ID: {Status: "done"}, r2.ID + 1000: {Status: "completed"}}})
	require.Equal(t, map[string]string{
		"follow_up_on":                  "The date of the follow-up review must be the same as or after the date of the report, " + vocab.FormatDate(*a.ReportOn, "en"),
		fmt.Sprintf("status_%d", r1.ID): "Choose a follow-up status for R1",
		fmt.Sprintf("status_%d", r2.ID): "Choose a follow-up status for R2",
		"statuses":                      "Give statuses only to this audit's recommendations",
		"conclusion":                    "Choose the follow-up review's conclusion",
	}, fields(t, err))
	_, err = e.svc.RecordReview(e.ctx, a.ID, audits.ReviewInput{FollowUpOn: *days(1), Conclusion: "meaningful_progress", Version: a.Version,
		Statuses: map[int64]audits.StatusInput{r1.ID: {Status: "no_longer_applicable"}, r2.ID: {Status: "some_progress"}}})
	require.Equal(t, map[string]string{"follow_up_on": "The date of the follow-up review must be today or in the past"}, fields(t, err))
	a, err = e.svc.RecordReview(e.ctx, a.ID, audits.ReviewInput{FollowUpOn: *days(0), Conclusion: "meaningful_progress", Version: a.Version,
		Statuses: map[int64]audits.StatusInput{r1.ID: {Status: "no_longer_applicable"}, r2.ID: {Status: "some_progress", Note: "Half done."}}})
	require.NoError(t, err)
	require.Equal(t, "follow_up", a.State)
	require.Equal(t, "meaningful_progress", a.Conclusion)
	require.Equal(t, 1, a.Open, "R2 is still open")

	a, err = e.svc.Advance(e.ctx, a.ID, "closed", a.Version)
	require.NoError(t, err)
	require.Equal(t, "closed", a.State)
	_, err = e.svc.Advance(e.ctx, a.ID, "closed", a.Version)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	_, err = e.svc.AddRecommendation(e.ctx, a.ID, fixture.DefaultRec())
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "a closed audit takes no more recommendations")
	_, err = e.svc.AddProgress(e.ctx, r2.ID, audits.ProgressInput{NotedOn: *days(0), Note: "More."})
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	_, err = e.svc.UpdateAudit(e.ctx, a.ID, audits.AuditInput{PartyID: a.PartyID, Type: a.Type, Auditors: a.Auditors, Version: a.Version})
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	require.Equal(t, "This audit is closed, so it can no longer be changed.", apperr.MessageOf(err))
	_, err = e.svc.ImportRecommendations(e.ctx, a.ID, []byte("area,priority,finding,action,target_date\nother,low,F,A,2030-01-01\n"), true)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))

	require.Equal(t, 2, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit_recommendation.respond'`))
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit.review'`))
}

func TestReviewMovesReportIssuedToFollowUp(t *testing.T) {
	t.Parallel()
	e := setup(t)
	planned := e.f.Audit()
	_, err := e.svc.RecordReview(e.ctx, planned.ID, audits.ReviewInput{Version: planned.Version})
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "no review before the report")

	a := e.f.Audit(fixture.AuditState("follow_up"), fixture.AuditReview("meaningful_progress", "all_completed"))
	require.Equal(t, "follow_up", a.State)
	require.Equal(t, "all_completed", a.Conclusion)
	require.Equal(t, *days(0), *a.FollowUpOn)
	closed := e.f.Audit(fixture.AuditState("closed"))
	require.Equal(t, "closed", closed.State)
	require.Zero(t, closed.Open)
}

var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func TestProgressEvidenceAndOverdue(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.f.Audit(fixture.AuditState("report_issued"), fixture.AuditRecs(fixture.DefaultRec(fixture.RecTargetDays(-20))))
	recs, err := e.svc.Recommendations(e.ctx, a.ID)
	require.NoError(t, err)
	rec := recs[0]
	require.True(t, rec.Overdue)

	_, err = e.svc.AddProgress(e.ctx, rec.ID, audits.ProgressInput{NotedOn: *days(1), Files: []audits.Upload{
		{Name: "report.png", Data: []byte("<html><script>alert(1)</script></html>")},
		{Name: "tool.exe", Data: []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")},
		{Name: "empty.txt"},
	}})
	f := fields(t, err)
	require.Equal(t, "The date of the update must be today or in the past", f["noted_on"])
	require.Equal(t, "Enter the update", f["note"])
	require.Equal(t, "The file report.png must be a picture (PNG, JPEG, GIF, WebP), a PDF, a saved email (.eml) or a text file"+
		" | The file tool.exe must be a picture (PNG, JPEG, GIF, WebP), a PDF, a saved email (.eml) or a text file"+
		" | The file empty.txt is empty; choose another", f["files"])
	six := make([]audits.Upload, 6)
	for i := range six {
		six[i] = audits.Upload{Name: "a.txt", Data: []byte("text")}
	}
	_, err = e.svc.AddProgress(e.ctx, rec.ID, audits.ProgressInput{NotedOn: *days(0), Note: "x", Files: six})
	require.Equal(t, map[string]string{"files": "Add 5 files or fewer"}, fields(t, err))
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_progress`))

	// An update noted before the target date does not stop it being late.
	p1, err := e.svc.AddProgress(e.ctx, rec.ID, audits.ProgressInput{NotedOn: *days(-25), Note: "Started the rewrite."})
	require.NoError(t, err)
	require.Empty(t, p1.Evidence)
	got, err := e.svc.Recommendation(e.ctx, rec.ID)
	require.NoError(t, err)
	require.True(t, got.Overdue)
	require.Equal(t, *days(-25), *got.LastUpdate)

	p2, err := e.svc.AddProgress(e.ctx, rec.ID, audits.ProgressInput{NotedOn: *days(-20), Note: "New notice published.", Files: []audits.Upload{
		{Name: "notice", Data: png}, {Name: "minutes.txt.exe", Data: []byte("Board minutes: agreed.\n")},
	}})
	require.NoError(t, err)
	require.Len(t, p2.Evidence, 2)
	require.Equal(t, "notice.png", p2.Evidence[0].Filename, "named by its content")
	require.Equal(t, "image/png", p2.Evidence[0].ContentType)
	require.Equal(t, "minutes.txt.txt", p2.Evidence[1].Filename)

	got, err = e.svc.Recommendation(e.ctx, rec.ID)
	require.NoError(t, err)
	require.False(t, got.Overdue, "an update on the target date counts")
	require.Equal(t, *days(-20), *got.LastUpdate)
	require.Len(t, got.Progress, 2)
	require.Equal(t, "New notice published.", got.Progress[0].Note, "latest first")
	require.Len(t, got.Progress[0].Evidence, 2)
	require.Nil(t, got.Progress[0].Evidence[0].Data, "lists carry no content")
	require.True(t, strings.Contains(got.Progress[0].By, "@"), "who added it")

	ev, err := e.svc.EvidenceFile(e.ctx, p2.Evidence[0].ID)
	require.NoError(t, err)
	require.Equal(t, png, ev.Data)
	require.Len(t, ev.SHA256, 64)
	_, err = e.svc.EvidenceFile(e.ctx, p2.Evidence[1].ID+100)
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))
	require.Equal(t, 2, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit_progress.add'`))
}

func TestConcurrentChangesOneWinsTheOtherConflicts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.f.Audit(fixture.AuditState("report_issued"))
	recs, err := e.svc.Recommendations(e.ctx, a.ID)
	require.NoError(t, err)
	// The party answered; the review needs that.
	r := *e.f.Respond(recs[0].ID, "agreed")

	// Two people change the answer from the same page at once, while a
	// third records the review: every change locks the audit first, so
	// none deadlocks, and at most one of the two answers lands.
	errs := make(chan error, 3)
	for _, answer := range []string{"agreed", "partly_agreed"} {
		go func() {
			_, err := e.svc.RecordResponse(e.ctx, r.ID, audits.ResponseInput{Answer: answer, Action: "Act.", Owner: "DPO", Version: r.Version})
			errs <- err
		}()
	}
	go func() {
		_, err := e.svc.RecordReview(e.ctx, a.ID, audits.ReviewInput{FollowUpOn: *days(0), Conclusion: "limited_progress", Version: a.Version,
			Statuses: map[int64]audits.StatusInput{r.ID: {Status: "some_progress"}}})
		errs <- err
	}()
	var conflicts int
	for range 3 {
		if err := <-errs; err != nil {
			require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "%v", err)
			conflicts++
		}
	}
	got, err := e.svc.Recommendation(e.ctx, r.ID)
	require.NoError(t, err)
	require.Equal(t, "some_progress", got.Status, "the review checks the audit's version, which no answer changes")
	if got.Version == r.Version+1 {
		require.Equal(t, 2, conflicts, "the review changed the recommendation before either answer")
		require.Equal(t, "agreed", got.Response.Answer)
	} else {
		require.Equal(t, 1, conflicts, "one answer landed, the other was stale")
		require.Equal(t, r.Version+2, got.Version)
	}
}
