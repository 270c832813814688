package audits

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
	"github.com/campaignwatch/campaignwatch/internal/plaintext"
)

// auditDate is one of an audit's dates, in the order they must fall.
type auditDate struct {
	field string
	what  string
	on    *time.Time
}

func (in *AuditInput) dates() []auditDate {
	return []auditDate{
		{"notice_on", "the date of the assessment notice", in.NoticeOn},
		{"fieldwork_from", "the date fieldwork began", in.FieldworkFrom},
		{"fieldwork_to", "the date fieldwork ended", in.FieldworkTo},
		{"report_on", "the date of the report", in.ReportOn},
		{"follow_up_on", "the date of the follow-up review", in.FollowUpOn},
	}
}

// normalise tidies an audit's answers and checks everything that needs no
// database. Field names are AuditInput's in snake case.
func (in *AuditInput) normalise() fieldErrs {
	var f fieldErrs
	if in.ProgrammeID != nil && *in.ProgrammeID == 0 {
		in.ProgrammeID = nil
	}
	in.NoticeOn, in.FieldworkFrom, in.FieldworkTo = dayPtr(in.NoticeOn), dayPtr(in.FieldworkFrom), dayPtr(in.FieldworkTo)
	in.ReportOn, in.FollowUpOn = dayPtr(in.ReportOn), dayPtr(in.FollowUpOn)
	in.Assurance = strings.TrimSpace(in.Assurance)
	in.GoodPractice, in.GoodPracticeCY = strings.TrimSpace(in.GoodPractice), strings.TrimSpace(in.GoodPracticeCY)

	if in.PartyID <= 0 {
		f.add("party_id", "required", "Choose the party being audited")
	}
	if !Types.Has(in.Type) {
		f.add("type", "required", "Choose the type of audit")
	}
	if in.NoticeOn != nil && in.Type == "consensual" {
		f.add("notice_on", "invalid", "Leave the date of the assessment notice empty: only a compulsory audit follows an assessment notice")
	}
	// Each date on or after every earlier one given, naming the latest.
	var latest *auditDate
	for _, d := range in.dates() {
		if d.on == nil {
			continue
		}
		if latest != nil && d.on.Before(*latest.on) {
			f.add(d.field, "order", "%s must be the same as or after %s, %s", upperFirst(d.what), latest.what, formatDate(*latest.on))
			continue
		}
		latest = &d
	}

	in.Scope = tidyList(in.Scope)
	for _, sc := range in.Scope {
		if !Scopes.Has(sc) {
			f.add("scope", "invalid", "Choose the areas the audit covers from the list")
			break
		}
	}
	slices.SortFunc(in.Scope, func(a, b string) int { return Scopes.Rank(a) - Scopes.Rank(b) })

	in.Auditors = tidyList(in.Auditors)
	switch {
	case len(in.Auditors) == 0:
		f.add("auditors", "required", "Enter the name of at least one auditor")
	case len(in.Auditors) > maxAuditors:
		f.add("auditors", "too_many", "Enter %d auditors or fewer", maxAuditors)
	}
	for _, a := range in.Auditors {
		if plaintext.Invalid(a, false) {
			f.add("auditors", "invalid", "Remove the control characters or unreadable text from the auditors' names")
			break
		}
		if len([]rune(a)) > maxAuditor {
			f.add("auditors", "too_long", "Each auditor's name must be %d characters or fewer", maxAuditor)
			break
		}
	}
	if in.Assurance != "" && !Assurance.Has(in.Assurance) {
		f.add("assurance", "invalid", "Choose an assurance level from the list")
	}
	f.text("good_practice", in.GoodPractice, "the good practice noted", "", maxText, true)
	f.text("good_practice_cy", in.GoodPracticeCY, "the good practice noted in Welsh", "", maxText, true)
	return f
}

// stateNeed is something an audit must have recorded to be in a state.
type stateNeed struct {
	field   string
	message string
	missing func(a *Audit, recs []Recommendation) []string // refs missing it, for per-recommendation needs
	lacks   func(a *Audit) bool
}

// needs lists what each state needs beyond the states before it.
var needs = map[string][]stateNeed{
	"fieldwork": {
		{field: "fieldwork_from", message: "Enter the date fieldwork began", lacks: func(a *Audit) bool { return a.FieldworkFrom == nil }},
		{field: "notice_on", message: "Enter the date of the assessment notice", lacks: func(a *Audit) bool { return a.Type == "compulsory" && a.NoticeOn == nil }},
	},
	"report_issued": {
		{field: "fieldwork_to", message: "Enter the date fieldwork ended", lacks: func(a *Audit) bool { return a.FieldworkTo == nil }},
		{field: "report_on", message: "Enter the date of the report", lacks: func(a *Audit) bool { return a.ReportOn == nil }},
		{field: "assurance", message: "Choose the assurance level", lacks: func(a *Audit) bool { return a.Assurance == "" }},
		{field: "recommendations", message: "Add at least one recommendation", missing: func(a *Audit, recs []Recommendation) []string {
			if len(recs) == 0 {
				return []string{""}
			}
			return nil
		}},
	},
	"follow_up": {
		{field: "responses", message: "Record the party's response to %s", missing: func(a *Audit, recs []Recommendation) []string {
			var refs []string
			for _, r := range recs {
				if r.Response == nil {
					refs = append(refs, r.Ref())
				}
			}
			return refs
		}},
	},
	"closed": {
		{field: "conclusion", message: "Choose the follow-up review's conclusion", lacks: func(a *Audit) bool { return a.Conclusion == "" }},
		{field: "statuses", message: "Give %s a follow-up status", missing: func(a *Audit, recs []Recommendation) []string {
			var refs []string
			for _, r := range recs {
				if r.Status == "" {
					refs = append(refs, r.Ref())
				}
			}
			return refs
		}},
	},
}

// advancing is what moving to each state is called in a message.
var advancing = map[string]string{
	"fieldwork":     "starting fieldwork",
	"report_issued": "issuing the report",
	"follow_up":     "starting the follow-up",
	"closed":        "closing the audit",
}

// joinRefs writes refs as a list in words: "R1, R4 and R7".
func joinRefs(refs []string) string {
	if len(refs) > 10 {
		return strings.Join(refs[:10], ", ") + fmt.Sprintf(" and %d more", len(refs)-10)
	}
	if len(refs) == 1 {
		return refs[0]
	}
	return strings.Join(refs[:len(refs)-1], ", ") + " and " + refs[len(refs)-1]
}

// unmet lists, as field errors ending in suffix, what state needs that a
// lacks. With recs nil only the audit's own fields are checked.
func unmet(state string, a *Audit, recs []Recommendation, suffix string) fieldErrs {
	var f fieldErrs
	for _, n := range needs[state] {
		switch {
		case n.lacks != nil && n.lacks(a):
			f.add(n.field, "required", "%s%s", n.message, suffix)
		case n.missing != nil && recs != nil:
			if refs := n.missing(a, recs); len(refs) > 0 {
				msg := n.message
				if strings.Contains(msg, "%s") {
					msg = fmt.Sprintf(msg, joinRefs(refs))
				}
				f.add(n.field, "required", "%s%s", msg, suffix)
			}
		}
	}
	return f
}

// Unmet lists, in sentences, what an audit a still lacks to move to the
// state next, given its recommendations recs: the same rules Advance
// applies, for pages that say what the next stage needs before anyone
// asks for it. It is empty when nothing is missing.
func Unmet(next string, a *Audit, recs []Recommendation) []string {
	if recs == nil {
		recs = []Recommendation{}
	}
	var out []string
	for _, fe := range unmet(next, a, recs, "") {
		out = append(out, fe.Message)
	}
	return out
}

func auditOf(r dbsqlc.GetAuditRow) Audit {
	return Audit{ID: r.ID, ProgrammeID: r.ProgrammeID, ProgrammeName: r.ProgrammeName, PartyID: r.PartyID, PartyName: r.PartyName,
		Type: r.AuditType, NoticeOn: dayPtr(r.NoticeOn), FieldworkFrom: dayPtr(r.FieldworkFrom), FieldworkTo: dayPtr(r.FieldworkTo),
		ReportOn: dayPtr(r.ReportOn), FollowUpOn: dayPtr(r.FollowUpOn), Scope: orEmpty(r.Scope), Auditors: orEmpty(r.Auditors),
		Assurance: r.Assurance, State: r.State, Conclusion: r.Conclusion, ConclusionNote: r.ConclusionNote, GoodPractice: r.GoodPractice,
		GoodPracticeCY: r.GoodPracticeCy, LetterBatchID: r.LetterBatchID, LetterBatchState: r.LetterBatchState, Version: int(r.Version), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Recommendations: int(r.Recommendations), Open: int(r.Open), Overdue: int(r.Overdue)}
}

// auditSummary is what the audit log keeps of an audit.
func auditSummary(a *Audit) map[string]any {
	return map[string]any{"programme_id": a.ProgrammeID, "party_id": a.PartyID, "type": a.Type, "notice_on": dateString(a.NoticeOn),
		"fieldwork_from": dateString(a.FieldworkFrom), "fieldwork_to": dateString(a.FieldworkTo), "report_on": dateString(a.ReportOn),
		"follow_up_on": dateString(a.FollowUpOn), "scope": a.Scope, "auditors": len(a.Auditors), "assurance": a.Assurance,
		"state": a.State, "conclusion": a.Conclusion, "version": a.Version}
}

func getAudit(ctx context.Context, q *dbsqlc.Queries, id int64) (*Audit, error) {
	r, err := q.GetAudit(ctx, dbsqlc.GetAuditParams{ID: id, Today: today()})
	if err != nil {
		return nil, notFound(err, "There is no audit %d.", id)
	}
	a := auditOf(r)
	return &a, nil
}

// lockAudit locks audit id for a change and returns it.
func lockAudit(ctx context.Context, q *dbsqlc.Queries, id int64) (*Audit, error) {
	if _, err := q.LockAudit(ctx, id); err != nil {
		return nil, notFound(err, "There is no audit %d.", id)
	}
	return getAudit(ctx, q, id)
}

// checkAuditRefs checks the party and programme an audit names exist, and
// that no recommendation's target date falls before its new dates.
func checkAuditRefs(ctx context.Context, q *dbsqlc.Queries, in *AuditInput, auditID int64, f *fieldErrs) error {
	if in.PartyID > 0 {
		if _, err := q.PartyName(ctx, in.PartyID); err != nil {
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			f.add("party_id", "invalid", "Choose the party being audited from the list")
		}
	}
	if in.ProgrammeID != nil {
		if _, err := q.GetProgramme(ctx, *in.ProgrammeID); err != nil {
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			f.add("programme_id", "invalid", "Choose the programme from the list")
		}
	}
	if auditID == 0 {
		return nil
	}
	first, err := q.EarliestTarget(ctx, auditID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	target := day(first.TargetOn)
	for _, d := range []auditDate{in.dates()[2], in.dates()[3]} {
		if d.on != nil && d.on.After(target) && !f.has(d.field) {
			f.add(d.field, "order", "%s must be the same as or before the target date of R%d, %s", upperFirst(d.what), first.Number, formatDate(target))
		}
	}
	return nil
}

func auditUnique(err error) error {
	if uniqueViolation(err) == "audits_programme_party_key" {
		return apperr.Fields(apperr.FieldError{Field: "party_id", Code: "taken", Message: "This party already has an audit in this programme; choose another party or programme"})
	}
	return err
}

// CreateAudit creates an audit in state planned, audited as audit.create.
func (s *Service) CreateAudit(ctx context.Context, in AuditInput) (*Audit, error) {
	f := in.normalise()
	var out *Audit
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		if err := checkAuditRefs(ctx, q, &in, 0, &f); err != nil {
			return err
		}
		if err := f.err(); err != nil {
			return err
		}
		id, err := q.InsertAudit(ctx, dbsqlc.InsertAuditParams{ProgrammeID: in.ProgrammeID, PartyID: in.PartyID, AuditType: in.Type,
			NoticeOn: in.NoticeOn, FieldworkFrom: in.FieldworkFrom, FieldworkTo: in.FieldworkTo, ReportOn: in.ReportOn, FollowUpOn: in.FollowUpOn,
			Scope: in.Scope, Auditors: in.Auditors, Assurance: in.Assurance, GoodPractice: in.GoodPractice, GoodPracticeCy: in.GoodPracticeCY,
			CreatedBy: actorID(ctx)})
		if err != nil {
			return auditUnique(err)
		}
		if out, err = getAudit(ctx, q, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "audit.create", "audit", fmt.Sprint(id), audit.Change{After: auditSummary(out)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateAudit changes an audit's particulars; in.Version must be current,
// else a Conflict. A closed audit cannot change, and an audit keeps what
// its state needs (an audit in fieldwork keeps the date it began).
// Audited as audit.update.
func (s *Service) UpdateAudit(ctx context.Context, id int64, in AuditInput) (*Audit, error) {
	f := in.normalise()
	var out *Audit
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		before, err := lockAudit(ctx, q, id)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return stale("The audit")
		}
		if before.State == "closed" {
			return apperr.New(apperr.Conflict, "This audit is closed, so it can no longer be changed.")
		}
		if err := checkAuditRefs(ctx, q, &in, id, &f); err != nil {
			return err
		}
		// The party and programme are fixed once the audit is under way or
		// a letter has been drafted: its findings and letters are about
		// that party, in that programme.
		if before.State != "planned" || before.LetterBatchID != nil {
			why := "once fieldwork has started"
			if before.State == "planned" {
				why = "once its follow-up letter has been drafted"
			}
			if in.PartyID != before.PartyID && !f.has("party_id") {
				f.add("party_id", "fixed", "The audited party cannot change %s; keep %s", why, before.PartyName)
			}
			if !sameID(in.ProgrammeID, before.ProgrammeID) && !f.has("programme_id") {
				keep := "no programme"
				if before.ProgrammeID != nil {
					keep = before.ProgrammeName
				}
				f.add("programme_id", "fixed", "The programme cannot change %s; keep %s", why, keep)
			}
		}
		after := *before
		after.ProgrammeID, after.PartyID, after.Type = in.ProgrammeID, in.PartyID, in.Type
		after.NoticeOn, after.FieldworkFrom, after.FieldworkTo, after.ReportOn, after.FollowUpOn = in.NoticeOn, in.FieldworkFrom, in.FieldworkTo, in.ReportOn, in.FollowUpOn
		after.Scope, after.Auditors, after.Assurance = in.Scope, in.Auditors, in.Assurance
		for _, st := range States.Codes()[1 : States.Rank(before.State)+1] {
			for _, fe := range unmet(st, &after, nil, ", which an audit at this stage needs") {
				if !f.has(fe.Field) {
					f = append(f, fe)
				}
			}
		}
		if err := f.err(); err != nil {
			return err
		}
		if err := q.UpdateAudit(ctx, dbsqlc.UpdateAuditParams{ID: id, ProgrammeID: in.ProgrammeID, PartyID: in.PartyID, AuditType: in.Type,
			NoticeOn: in.NoticeOn, FieldworkFrom: in.FieldworkFrom, FieldworkTo: in.FieldworkTo, ReportOn: in.ReportOn, FollowUpOn: in.FollowUpOn,
			Scope: in.Scope, Auditors: in.Auditors, Assurance: in.Assurance, GoodPractice: in.GoodPractice, GoodPracticeCy: in.GoodPracticeCY}); err != nil {
			return auditUnique(err)
		}
		if out, err = getAudit(ctx, q, id); err != nil {
			return err
		}
		b, af := auditSummary(before), auditSummary(out)
		textChanges(b, af, map[string][2]string{"good_practice": {before.GoodPractice, out.GoodPractice},
			"good_practice_cy": {before.GoodPracticeCY, out.GoodPracticeCY}})
		return audit.Record(ctx, tx, "audit.update", "audit", fmt.Sprint(id), audit.Change{Before: b, After: af})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Audit returns one audit with its recommendation counts, or NotFound.
func (s *Service) Audit(ctx context.Context, id int64) (*Audit, error) {
	return getAudit(ctx, dbsqlc.New(s.pool), id)
}

// Audits lists the audits f selects with their recommendation counts,
// the latest fieldwork first.
func (s *Service) Audits(ctx context.Context, f AuditFilter) ([]Audit, error) {
	p := dbsqlc.ListAuditsParams{Today: today()}
	if f.ProgrammeID != 0 {
		p.ProgrammeID = &f.ProgrammeID
	}
	if f.PartyID != 0 {
		p.PartyID = &f.PartyID
	}
	if f.State != "" {
		p.State = &f.State
	}
	rows, err := dbsqlc.New(s.pool).ListAudits(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]Audit, len(rows))
	for i, r := range rows {
		out[i] = auditOf(dbsqlc.GetAuditRow(r))
	}
	return out, nil
}

// Advance moves an audit to its next state, to, which must be the state
// after its current one (States order): planned, fieldwork (needs the
// date fieldwork began, and for a compulsory audit the notice's date),
// report_issued (needs the dates fieldwork ended and of the report, the
// assurance level and at least one recommendation), follow_up (needs the
// party's response to every recommendation), closed (needs the
// conclusion and every recommendation's status). What is missing comes
// back as field errors, all at once. version must be current. Audited as
// audit.advance.
func (s *Service) Advance(ctx context.Context, id int64, to string, version int) (*Audit, error) {
	if !States.Has(to) {
		return nil, apperr.Fields(apperr.FieldError{Field: "state", Code: "required", Message: "Choose the stage to move the audit to"})
	}
	var out *Audit
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		before, err := lockAudit(ctx, q, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return stale("The audit")
		}
		cur := States.Rank(before.State)
		if cur == len(States)-1 {
			return apperr.New(apperr.Conflict, "This audit is closed, so it cannot move to another stage.")
		}
		if next := States[cur+1].Code; to != next {
			return apperr.New(apperr.Conflict, "An audit moves forward one stage at a time: from %q it can only move to %q.",
				States.Label(before.State, "en"), States.Label(next, "en"))
		}
		recs, err := auditRecommendations(ctx, q, id)
		if err != nil {
			return err
		}
		if err := unmet(to, before, recs, " before "+advancing[to]).err(); err != nil {
			return err
		}
		if err := q.SetAuditState(ctx, dbsqlc.SetAuditStateParams{ID: id, State: to}); err != nil {
			return err
		}
		if out, err = getAudit(ctx, q, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "audit.advance", "audit", fmt.Sprint(id), audit.Change{
			Before: map[string]any{"state": before.State, "version": before.Version},
			After:  map[string]any{"state": out.State, "version": out.Version}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
