package audits_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
)

func TestReviewOfIssuedReportNeedsEveryResponse(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.f.Audit(fixture.AuditState("report_issued"), fixture.AuditRecs(fixture.DefaultRec(), fixture.DefaultRec()))
	recs, err := e.svc.Recommendations(e.ctx, a.ID)
	require.NoError(t, err)
	e.f.Respond(recs[0].ID, "agreed")

	_, err = e.svc.RecordReview(e.ctx, a.ID, audits.ReviewInput{FollowUpOn: *days(0), Conclusion: "meaningful_progress", Version: a.Version,
		Statuses: map[int64]audits.StatusInput{recs[0].ID: {Status: "completed"}, recs[1].ID: {Status: "some_progress"}}})
	require.Equal(t, map[string]string{"responses": "Record the party's response to R2 before recording the follow-up review"}, fields(t, err))

	got, err := e.svc.Audit(e.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, "report_issued", got.State, "nothing stored")
	require.Empty(t, got.Conclusion)
	require.Nil(t, got.FollowUpOn)
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_recommendations WHERE audit_id = $1 AND status IS NOT NULL`, a.ID))
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit.review'`))
	require.Equal(t, []string{"Record the party's response to R2"}, audits.Unmet("follow_up", got, recs[1:]))
}

func TestResponsesAndProgressWaitForTheReport(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, state := range []string{"planned", "fieldwork"} {
		a := e.f.Audit(fixture.AuditState(state))
		r := e.f.Recommendation(a.ID)
		_, err := e.svc.RecordResponse(e.ctx, r.ID, audits.ResponseInput{Answer: "agreed", Action: "Act.", Owner: "DPO", Version: r.Version})
		label := audits.States.Label(state, "en")
		require.Equal(t, map[string]string{"state": fmt.Sprintf("Record the party's response once the audit's report is issued; the audit is at the stage %q", label)},
			fields(t, err), state)
		_, err = e.svc.AddProgress(e.ctx, r.ID, audits.ProgressInput{NotedOn: *days(0), Note: "Begun."})
		require.Equal(t, map[string]string{"state": fmt.Sprintf("Add a progress update once the audit's report is issued; the audit is at the stage %q", label)},
			fields(t, err), state)
	}
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_recommendations WHERE response IS NOT NULL`))
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_progress`))

	a := e.f.Audit(fixture.AuditState("report_issued"))
	recs, err := e.svc.Recommendations(e.ctx, a.ID)
	require.NoError(t, err)
	e.f.Respond(recs[0].ID, "agreed")
	e.f.Progress(recs[0].ID, *days(0))
}

func TestPartyAndProgrammeFixedOnceUnderWay(t *testing.T) {
	t.Parallel()
	e := setup(t)
	prog, other := e.f.Programme(), e.f.Programme()
	party := e.f.Party()
	input := func(a *audits.Audit) audits.AuditInput {
		return audits.AuditInput{ProgrammeID: a.ProgrammeID, PartyID: a.PartyID, Type: a.Type, NoticeOn: a.NoticeOn, FieldworkFrom: a.FieldworkFrom,
			FieldworkTo: a.FieldworkTo, ReportOn: a.ReportOn, Scope: a.Scope, Auditors: a.Auditors, Assurance: a.Assurance, Version: a.Version}
	}

	// Planned: both may change.
	a := e.f.Audit(fixture.AuditProgramme(prog.ID))
	in := input(a)
	in.PartyID, in.ProgrammeID = party.ID, &other.ID
	a, err := e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.NoError(t, err)
	require.Equal(t, party.ID, a.PartyID)

	// In fieldwork: neither.
	a, err = e.svc.Advance(e.ctx, a.ID, "fieldwork", a.Version)
	require.NoError(t, err)
	in = input(a)
	in.PartyID, in.ProgrammeID = e.f.Party().ID, &prog.ID
	_, err = e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.Equal(t, map[string]string{
		"party_id":     "The audited party cannot change once fieldwork has started; keep " + party.Name,
		"programme_id": "The programme cannot change once fieldwork has started; keep " + other.Name,
	}, fields(t, err))
	in = input(a)
	in.ProgrammeID = nil
	_, err = e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.Equal(t, map[string]string{"programme_id": "The programme cannot change once fieldwork has started; keep " + other.Name}, fields(t, err))
	got, err := e.svc.Audit(e.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, party.ID, got.PartyID)
	require.Equal(t, other.ID, *got.ProgrammeID)

	// Other details still change.
	in = input(a)
	in.Auditors = []string{"New Auditor"}
	_, err = e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.NoError(t, err)
}

// logChange is the before and after of the latest audit log entry of
// action on object id.
func (e *env) logChange(t *testing.T, action string, id int64) (before, after map[string]any) {
	t.Helper()
	entries, err := audit.List(context.Background(), e.pool, audit.Filter{Action: action, ObjectID: fmt.Sprint(id), Limit: 1})
	require.NoError(t, err)
	require.Len(t, entries, 1)
	var c struct{ Before, After map[string]any }
	require.NoError(t, json.Unmarshal(entries[0].Summary, &c))
	return c.Before, c.After
}

func TestUpdatesLogTheTextsTheyChange(t *testing.T) {
	t.Parallel()
	e := setup(t)

	p := e.f.Programme(fixture.ProgrammeFindings(audits.AreaFinding{Area: "profiling", Finding: "Old finding."}))
	_, err := e.svc.UpdateProgramme(e.ctx, p.ID, audits.ProgrammeInput{Name: p.Name, NameCY: p.NameCY, Description: "Why we audit.",
		Findings: []audits.AreaFinding{{Area: "profiling", Finding: "New finding."}}, Version: p.Version})
	require.NoError(t, err)
	before, after := e.logChange(t, "audit_programme.update", p.ID)
	require.Equal(t, "Old finding.", before["finding_profiling"])
	require.Equal(t, "New finding.", after["finding_profiling"])
	require.Equal(t, "", before["description"])
	require.Equal(t, "Why we audit.", after["description"])
	require.NotContains(t, after, "finding_cy_profiling", "unchanged texts are left out")
	require.NotContains(t, after, "finding_lawful_basis")

	a := e.f.Audit(fixture.AuditEdit(func(in *audits.AuditInput) { in.GoodPractice = "Clear records." }))
	_, err = e.svc.UpdateAudit(e.ctx, a.ID, audits.AuditInput{PartyID: a.PartyID, Type: a.Type, NoticeOn: a.NoticeOn, FieldworkFrom: a.FieldworkFrom,
		FieldworkTo: a.FieldworkTo, ReportOn: a.ReportOn, Scope: a.Scope, Auditors: a.Auditors, Assurance: a.Assurance,
		GoodPractice: "Clear records of consent.", Version: a.Version})
	require.NoError(t, err)
	before, after = e.logChange(t, "audit.update", a.ID)
	require.Equal(t, "Clear records.", before["good_practice"])
	require.Equal(t, "Clear records of consent.", after["good_practice"])
	require.NotContains(t, after, "good_practice_cy")

	r := e.f.Recommendation(a.ID)
	in := audits.RecommendationInput{Number: r.Number, Area: r.Area, Finding: r.Finding, Action: "A better action.", Priority: r.Priority,
		TargetOn: r.TargetOn, Provisions: r.Provisions, Guidance: r.Guidance, Version: r.Version}
	_, err = e.svc.UpdateRecommendation(e.ctx, r.ID, in)
	require.NoError(t, err)
	before, after = e.logChange(t, "audit_recommendation.update", r.ID)
	require.Equal(t, r.Action, before["action"])
	require.Equal(t, "A better action.", after["action"])
	require.NotContains(t, after, "finding")
	require.NotContains(t, before, "finding")
}

func TestCheckOnlyStoresNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	check := audits.CheckOnly(e.ctx)
	p, err := e.svc.CreateProgramme(check, audits.ProgrammeInput{Name: "Checked only"})
	require.NoError(t, err)
	require.Equal(t, "Checked only", p.Name, "what it would store")
	_, err = e.svc.CreateProgramme(check, audits.ProgrammeInput{})
	require.Equal(t, map[string]string{"name": "Enter the programme's name"}, fields(t, err))
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_programmes`))
	require.Zero(t, e.count(t, `SELECT count(*) FROM audit_log WHERE action LIKE 'audit_programme.%'`))
}
