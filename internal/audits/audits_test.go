package audits_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/fixture"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/internal/testdb"
)

type env struct {
	pool *pgxpool.Pool
	f    *fixture.Factory
	svc  *audits.Service
	user *staff.User     // a political team member
	ctx  context.Context // the member's
}

func setup(t *testing.T) *env {
	t.Helper()
	pool := testdb.New(t)
	f := fixture.New(t, pool)
	u := f.User(fixture.UserRole(staff.RolePoliticalTeam))
	return &env{pool: pool, f: f, svc: f.Audits(), user: u, ctx: fixture.As(context.Background(), u)}
}

// fields maps each field of a form error to its messages.
func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, apperr.Invalid, apperr.CodeOf(err), "%v", err)
	out := map[string]string{}
	for _, fe := range apperr.FieldsOf(err) {
		if out[fe.Field] != "" {
			out[fe.Field] += " | "
		}
		out[fe.Field] += fe.Message
	}
	return out
}

func days(n int) *time.Time {
	d := vocab.Today().AddDate(0, 0, n)
	return &d
}

func (e *env) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, e.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

func (e *env) auditActions(t *testing.T, prefix string) []string {
	t.Helper()
	entries, err := audit.List(context.Background(), e.pool, audit.Filter{Action: prefix, Limit: 500})
	require.NoError(t, err)
	var out []string
	for _, en := range entries {
		out = append(out, en.Action)
	}
	return out
}

func TestProgrammes(t *testing.T) {
	t.Parallel()
	e := setup(t)
	published := time.Date(2020, 11, 11, 0, 0, 0, 0, time.UTC)
	p, err := e.svc.CreateProgramme(e.ctx, audits.ProgrammeInput{
		Name: " 2019 round ", NameCY: "Rownd 2019", SummaryTitle: "Audits of political parties", SummaryURL: "https://example.org/summary",
		PublishedOn: &published,
		Findings: []audits.AreaFinding{
			{Area: "accountability", Finding: "Policies were missing."},
			{Area: "privacy_information", Finding: "Privacy notices were unclear.", FindingCY: "Roedd hysbysiadau'n aneglur."},
			{Area: "profiling", Finding: " "},
		},
	})
	require.NoError(t, err)
	require.Equal(t, "2019 round", p.Name)
	require.Equal(t, 1, p.Version)
	require.Equal(t, []audits.AreaFinding{
		{Area: "privacy_information", Finding: "Privacy notices were unclear.", FindingCY: "Roedd hysbysiadau'n aneglur."},
		{Area: "accountability", Finding: "Policies were missing."},
	}, p.Findings, "findings in area order; an empty one is none")

	got, err := e.svc.Programme(e.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, p.Findings, got.Findings)
	require.Equal(t, published, *got.PublishedOn)

	in := audits.ProgrammeInput{Name: "2019 round of audits", Findings: []audits.AreaFinding{{Area: "lawful_basis", Finding: "Consent was assumed."}}, Version: 1}
	up, err := e.svc.UpdateProgramme(e.ctx, p.ID, in)
	require.NoError(t, err)
	require.Equal(t, 2, up.Version)
	require.Equal(t, []audits.AreaFinding{{Area: "lawful_basis", Finding: "Consent was assumed."}}, up.Findings)

	// Saving over a version someone else changed is refused.
	_, err = e.svc.UpdateProgramme(e.ctx, p.ID, in)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	require.Contains(t, apperr.MessageOf(err), "changed since you opened it")

	_, err = e.svc.CreateProgramme(e.ctx, audits.ProgrammeInput{Name: "2019 ROUND OF AUDITS"})
	require.Equal(t, map[string]string{"name": `A programme called "2019 ROUND OF AUDITS" already exists; choose another name`}, fields(t, err))

	_, err = e.svc.CreateProgramme(e.ctx, audits.ProgrammeInput{Name: "", SummaryURL: "javascript:alert(1)",
		Findings: []audits.AreaFinding{{Area: "weather", Finding: "x"}, {Area: "profiling", FindingCY: "Cymraeg yn unig"}}})
	require.Equal(t, map[string]string{
		"name":              "Enter the programme's name",
		"summary_url":       "Enter the summary report's web address in the correct format, like https://example.org/report",
		"summary_title":     "Enter the summary report's title",
		"findings":          "Choose an area for each key finding",
		"finding_profiling": "Enter the key finding on profiling in English as well as in Welsh",
	}, fields(t, err))

	list, err := e.svc.Programmes(e.ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "2019 round of audits", list[0].Name)
	require.Len(t, list[0].Findings, 1)

	_, err = e.svc.Programme(e.ctx, p.ID+100)
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))
	require.ElementsMatch(t, []string{"audit_programme.create", "audit_programme.update"}, e.auditActions(t, "audit_programme."))
}

func TestAuditValidation(t *testing.T) {
	t.Parallel()
	e := setup(t)
	party := e.f.Party()
	_, err := e.svc.CreateAudit(e.ctx, audits.AuditInput{})
	require.Equal(t, map[string]string{
		"party_id": "Choose the party being audited",
		"type":     "Choose the type of audit",
		"auditors": "Enter the name of at least one auditor",
	}, fields(t, err))

	// Dates out of order, each named against the latest earlier date.
	_, err = e.svc.CreateAudit(e.ctx, audits.AuditInput{PartyID: party.ID, Type: "consensual", Auditors: []string{"A"},
		NoticeOn: days(-100), FieldworkFrom: days(-50), FieldworkTo: days(-60), ReportOn: days(-55), FollowUpOn: days(-40),
		Scope: []string{"social_media", "astrology"}, Assurance: "total"})
	require.Equal(t, map[string]string{
		"notice_on":    "Leave the date of the assessment notice empty: only a compulsory audit follows an assessment notice",
		"fieldwork_to": "The date fieldwork ended must be the same as or after the date fieldwork began, " + vocab.FormatDate(*days(-50), "en"),
		"report_on":    "The date of the report must be the same as or after the date fieldwork began, " + vocab.FormatDate(*days(-50), "en"),
		"scope":        "Choose the areas the audit covers from the list",
		"assurance":    "Choose an assurance level from the list",
	}, fields(t, err))

	many := make([]string, 11)
	for i := range many {
		many[i] = strings.Repeat("a", i+1)
	}
	_, err = e.svc.CreateAudit(e.ctx, audits.AuditInput{PartyID: party.ID + 1000, Type: "compulsory", Auditors: many})
	require.Equal(t, map[string]string{"auditors": "Enter 10 auditors or fewer", "party_id": "Choose the party being audited from the list"}, fields(t, err))
	_, err = e.svc.CreateAudit(e.ctx, audits.AuditInput{PartyID: party.ID, Type: "compulsory", Auditors: []string{strings.Repeat("x", 101)}})
	require.Equal(t, map[string]string{"auditors": "Each auditor's name must be 100 characters or fewer"}, fields(t, err))

	// A party is audited once in a programme.
	prog := e.f.Programme()
	in := audits.AuditInput{ProgrammeID: &prog.ID, PartyID: party.ID, Type: "compulsory", Auditors: []string{" Ann ", "Ann", "Bob"},
		Scope: []string{"social_media", "management_structures"}}
	a, err := e.svc.CreateAudit(e.ctx, in)
	require.NoError(t, err)
	require.Equal(t, []string{"Ann", "Bob"}, a.Auditors)
	require.Equal(t, []string{"management_structures", "social_media"}, a.Scope, "scope in Scopes order")
	require.Equal(t, "planned", a.State)
	require.Equal(t, prog.Name, a.ProgrammeName)
	require.Equal(t, party.Name, a.PartyName)
	_, err = e.svc.CreateAudit(e.ctx, in)
	require.Equal(t, map[string]string{"party_id": "This party already has an audit in this programme; choose another party or programme"}, fields(t, err))

	list, err := e.svc.Audits(e.ctx, audits.AuditFilter{ProgrammeID: prog.ID})
	require.NoError(t, err)
	require.Len(t, list, 1)
	list, err = e.svc.Audits(e.ctx, audits.AuditFilter{State: "closed"})
	require.NoError(t, err)
	require.Empty(t, list)

	// Updates check the version, and dates against the recommendations.
	in.Version = a.Version
	in.FieldworkFrom, in.FieldworkTo = days(-30), days(-20)
	a2, err := e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.NoError(t, err)
	require.Equal(t, a.Version+1, a2.Version)
	_, err = e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	e.f.Recommendation(a.ID, fixture.RecTargetDays(-10))
	in.Version, in.ReportOn = a2.Version, days(-5)
	_, err = e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.Equal(t, map[string]string{"report_on": "The date of the report must be the same as or before the target date of R1, " + vocab.FormatDate(*days(-10), "en")}, fields(t, err))
}

func TestAdvanceStateRules(t *testing.T) {
	t.Parallel()
	e := setup(t)
	party := e.f.Party()
	in := audits.AuditInput{PartyID: party.ID, Type: "compulsory", Auditors: []string{"Ann"}}
	a, err := e.svc.CreateAudit(e.ctx, in)
	require.NoError(t, err)

	// One step at a time.
	_, err = e.svc.Advance(e.ctx, a.ID, "report_issued", a.Version)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	require.Equal(t, `An audit moves forward one stage at a time: from "Planned" it can only move to "In fieldwork".`, apperr.MessageOf(err))
	_, err = e.svc.Advance(e.ctx, a.ID, "fieldwork", a.Version)
	require.Equal(t, map[string]string{
		"fieldwork_from": "Enter the date fieldwork began before starting fieldwork",
		"notice_on":      "Enter the date of the assessment notice before starting fieldwork",
	}, fields(t, err))

	in.NoticeOn, in.FieldworkFrom, in.Version = days(-60), days(-50), a.Version
	a, err = e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.NoError(t, err)
	_, err = e.svc.Advance(e.ctx, a.ID, "fieldwork", a.Version-1)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err), "a stale version")
	a, err = e.svc.Advance(e.ctx, a.ID, "fieldwork", a.Version)
	require.NoError(t, err)
	require.Equal(t, "fieldwork", a.State)

	// In fieldwork the audit keeps the date fieldwork began.
	in.FieldworkFrom, in.Version = nil, a.Version
	_, err = e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.Equal(t, map[string]string{"fieldwork_from": "Enter the date fieldwork began, which an audit at this stage needs"}, fields(t, err))

	_, err = e.svc.Advance(e.ctx, a.ID, "report_issued", a.Version)
	require.Equal(t, map[string]string{
		"fieldwork_to":    "Enter the date fieldwork ended before issuing the report",
		"report_on":       "Enter the date of the report before issuing the report",
		"assurance":       "Choose the assurance level before issuing the report",
		"recommendations": "Add at least one recommendation before issuing the report",
	}, fields(t, err))
	in.FieldworkFrom, in.FieldworkTo, in.ReportOn, in.Assurance = days(-50), days(-40), days(-30), "limited"
	a, err = e.svc.UpdateAudit(e.ctx, a.ID, in)
	require.NoError(t, err)
	r1 := e.f.Recommendation(a.ID)
	r2 := e.f.Recommendation(a.ID, fixture.RecPriority("urgent"))
	a, err = e.svc.Advance(e.ctx, a.ID, "report_issued", a.Version)
	require.NoError(t, err)
	require.Equal(t, "report_issued", a.State)
	require.Equal(t, 2, a.Recommendations)

	// Follow-up needs every response.
	_, err = e.svc.Advance(e.ctx, a.ID, "follow_up", a.Version)
	require.Equal(t, map[string]string{"responses": "Record the party's response to R1 and R2 before starting the follow-up"}, fields(t, err))
	_ = r1
	_ = r2
	require.Equal(t, []string{"audit.advance", "audit.advance"}, e.auditActions(t, "audit.advance"))
}

func TestRecommendations(t *testing.T) {
	t.Parallel()
	e := setup(t)
	a := e.f.Audit() // fieldwork ended 170 days ago, report 150 days ago
	known := fixture.AuditKnown(t)

	_, err := e.svc.AddRecommendation(e.ctx, a.ID, audits.RecommendationInput{Number: -1, Area: "weather", Finding: " ", Action: strings.Repeat("x", 4001)})
	require.Equal(t, map[string]string{
		"number":    "The number must be 1 or more; leave it empty to take the next number",
		"area":      "Choose the area of the finding",
		"priority":  "Choose a priority",
		"finding":   "Enter the finding",
		"action":    "The recommended action must be 4000 characters or fewer",
		"target_on": "Enter the target date",
	}, fields(t, err))

	_, err = e.svc.AddRecommendation(e.ctx, a.ID, fixture.DefaultRec(fixture.RecTargetDays(-160), fixture.RecProvisions("UKGDPR-13", "PECR-99", "XYZ"),
		fixture.RecGuidance("nope")))
	f := fields(t, err)
	require.Equal(t, "The target date must be the same as or after the date of the report, "+vocab.FormatDate(*days(-150), "en"), f["target_on"])
	require.Equal(t, "PECR-99 and XYZ are not provisions we know; use ids from this list: "+strings.Join(known.ProvisionIDs, ", "), f["provisions"])
	require.Equal(t, "nope is not a guidance document we know; use ids from this list: "+strings.Join(known.GuidanceIDs, ", "), f["guidance"])
	require.Len(t, f, 3)

	r1, err := e.svc.AddRecommendation(e.ctx, a.ID, fixture.DefaultRec(fixture.RecProvisions("ukgdpr-13", "UKGDPR-13"), fixture.RecGuidance(known.GuidanceIDs[0])))
	require.NoError(t, err)
	require.Equal(t, 1, r1.Number)
	require.Equal(t, "R1", r1.Ref())
	require.Equal(t, []string{"UKGDPR-13"}, r1.Provisions, "ids in their known spelling, once")
	r5, err := e.svc.AddRecommendation(e.ctx, a.ID, fixture.DefaultRec(func(in *audits.RecommendationInput) { in.Number = 5 }))
	require.NoError(t, err)
	require.Equal(t, 5, r5.Number)
	r6 := e.f.Recommendation(a.ID)
	require.Equal(t, 6, r6.Number, "the next number after the highest")
	_, err = e.svc.AddRecommendation(e.ctx, a.ID, fixture.DefaultRec(func(in *audits.RecommendationInput) { in.Number = 5 }))
	require.Equal(t, map[string]string{"number": "R5 already exists in this audit; choose another number or leave it empty to take the next one"}, fields(t, err))

	// Update: version checked, number kept when 0, unique.
	in := fixture.DefaultRec(fixture.RecPriority("urgent"))
	in.Version = r1.Version
	up, err := e.svc.UpdateRecommendation(e.ctx, r1.ID, in)
	require.NoError(t, err)
	require.Equal(t, 1, up.Number)
	require.Equal(t, "urgent", up.Priority)
	_, err = e.svc.UpdateRecommendation(e.ctx, r1.ID, in)
	require.Equal(t, apperr.Conflict, apperr.CodeOf(err))
	in.Version, in.Number = up.Version, 6
	_, err = e.svc.UpdateRecommendation(e.ctx, r1.ID, in)
	require.Equal(t, map[string]string{"number": "R6 already exists in this audit; choose another number or leave it empty to take the next one"}, fields(t, err))

	list, err := e.svc.Recommendations(e.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, []int{1, 5, 6}, []int{list[0].Number, list[1].Number, list[2].Number})
	_, err = e.svc.Recommendations(e.ctx, a.ID+100)
	require.Equal(t, apperr.NotFound, apperr.CodeOf(err))
	require.Equal(t, 3, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit_recommendation.create'`))
	require.Equal(t, 1, e.count(t, `SELECT count(*) FROM audit_log WHERE action = 'audit_recommendation.update'`))
}

func TestOverdueFlagAndOpenRecommendations(t *testing.T) {
	t.Parallel()
	e := setup(t)
	party := e.f.Party()
	a := e.f.Audit(fixture.AuditParty(party.ID))
	late := e.f.Recommendation(a.ID, fixture.RecTargetDays(-1), fixture.RecPriority("medium"))
	e.f.Recommendation(a.ID, fixture.RecTargetDays(0), fixture.RecPriority("urgent"))
	e.f.Recommendation(a.ID, fixture.RecTargetDays(30), fixture.RecPriority("high"))

	got, err := e.svc.Recommendation(e.ctx, late.ID)
	require.NoError(t, err)
	require.True(t, got.Overdue, "past its target date with no update")
	require.Nil(t, got.LastUpdate)
	require.Empty(t, got.Progress)
	list, err := e.svc.Recommendations(e.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, []bool{true, false, false}, []bool{list[0].Overdue, list[1].Overdue, list[2].Overdue}, "due today is not late")

	au, err := e.svc.Audit(e.ctx, a.ID)
	require.NoError(t, err)
	require.Equal(t, 3, au.Recommendations)
	require.Equal(t, 3, au.Open)
	require.Equal(t, 1, au.Overdue)

	other := e.f.Party()
	open, err := e.svc.OpenRecommendations(e.ctx, []int64{party.ID, other.ID})
	require.NoError(t, err)
	require.Len(t, open, 1, "a party with none has no entry")
	var prios []string
	for _, r := range open[party.ID] {
		prios = append(prios, r.Priority)
		require.Equal(t, "compulsory", r.AuditType)
		require.Equal(t, a.Year(), r.AuditYear)
	}
	require.Equal(t, []string{"urgent", "high", "medium"}, prios)

	ov, err := e.svc.PartyOverview(e.ctx, party.ID)
	require.NoError(t, err)
	require.Len(t, ov.Audits, 1)
	require.Len(t, ov.Open, 2, "urgent and high only")
	require.Equal(t, "urgent", ov.Open[0].Priority)
}
