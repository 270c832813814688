package audits

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
)

func recOf(r dbsqlc.AuditRecommendationsRow) Recommendation {
	rec := Recommendation{ID: r.ID, AuditID: r.AuditID, Number: int(r.Number), Area: r.Area, Finding: r.Finding, FindingCY: r.FindingCy,
		Action: r.Action, ActionCY: r.ActionCy, Priority: r.Priority, TargetOn: day(r.TargetOn), Provisions: orEmpty(r.Provisions),
		Guidance: orEmpty(r.Guidance), Status: r.Status, StatusNote: r.StatusNote, ReviewedAt: r.ReviewedAt, LastUpdate: dateOf(r.LastUpdate),
		Overdue: r.Overdue, Version: int(r.Version), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.Response != "" {
		rec.Response = &Response{Answer: r.Response, Action: r.ResponseAction, Owner: r.ResponseOwner, DueOn: dayPtr(r.ResponseDueOn)}
		if r.RespondedAt != nil {
			rec.Response.At = *r.RespondedAt
		}
	}
	return rec
}

// recSummary is what the audit log keeps of a recommendation: its
// particulars; an update adds the texts it changed (textChanges).
func recSummary(r *Recommendation) map[string]any {
	m := map[string]any{"audit_id": r.AuditID, "number": r.Number, "area": r.Area, "priority": r.Priority,
		"target_on": r.TargetOn.Format(time.DateOnly), "provisions": r.Provisions, "guidance": r.Guidance, "version": r.Version}
	if r.Response != nil {
		m["response"] = r.Response.Answer
		m["response_due_on"] = dateString(r.Response.DueOn)
	}
	if r.Status != "" {
		m["status"] = r.Status
	}
	return m
}

func auditRecommendations(ctx context.Context, q *dbsqlc.Queries, auditID int64) ([]Recommendation, error) {
	rows, err := q.AuditRecommendations(ctx, dbsqlc.AuditRecommendationsParams{AuditIds: []int64{auditID}, Today: today()})
	if err != nil {
		return nil, err
	}
	out := make([]Recommendation, len(rows))
	for i, r := range rows {
		out[i] = recOf(r)
	}
	return out, nil
}

func getRecommendation(ctx context.Context, q *dbsqlc.Queries, id int64) (*Recommendation, error) {
	r, err := q.GetRecommendation(ctx, dbsqlc.GetRecommendationParams{ID: id, Today: today()})
	if err != nil {
		return nil, notFound(err, "There is no recommendation %d.", id)
	}
	rec := recOf(dbsqlc.AuditRecommendationsRow(r))
	return &rec, nil
}

// lockRecommendation locks recommendation id's audit, then the
// recommendation, and returns both. Every change locks an audit before
// any of its recommendations (a review updates them all under the
// audit's lock), so two changes cannot wait on each other.
func lockRecommendation(ctx context.Context, q *dbsqlc.Queries, id int64) (*Recommendation, *Audit, error) {
	rec, err := getRecommendation(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	a, err := lockAudit(ctx, q, rec.AuditID)
	if err != nil {
		return nil, nil, err
	}
	if _, err := q.LockRecommendation(ctx, id); err != nil {
		return nil, nil, notFound(err, "There is no recommendation %d.", id)
	}
	// Read again under the lock: a change may have committed meanwhile.
	rec, err = getRecommendation(ctx, q, id)
	return rec, a, err
}

// canonicalIDs matches ids to the known ones regardless of case, giving
// the known spelling, and returns those it does not know.
func canonicalIDs(ids []string, known []string, ok func(string) bool) (out, unknown []string) {
	byLower := make(map[string]string, len(known))
	for _, k := range known {
		byLower[strings.ToLower(k)] = k
	}
	out = []string{}
	for _, id := range tidyList(ids) {
		switch {
		case ok != nil && ok(id):
			out = append(out, id)
		case byLower[strings.ToLower(id)] != "" && (ok == nil || ok(byLower[strings.ToLower(id)])):
			out = append(out, byLower[strings.ToLower(id)])
		default:
			unknown = append(unknown, id)
		}
	}
	return tidyList(out), unknown
}

func unknownIDs(unknown []string, one, many string, known []string) string {
	verb := "is not " + one
	if len(unknown) > 1 {
		verb = "are not " + many
	}
	msg := fmt.Sprintf("%s %s we know", joinRefs(unknown), verb)
	if len(known) > 0 {
		msg += "; use ids from this list: " + strings.Join(known, ", ")
	}
	return msg
}

// checkRec tidies a recommendation's answers and checks them against its
// audit and the ids the service knows. Field names are
// RecommendationInput's in snake case.
func (s *Service) checkRec(in *RecommendationInput, a *Audit) fieldErrs {
	var f fieldErrs
	in.Area, in.Priority = strings.TrimSpace(in.Area), strings.TrimSpace(in.Priority)
	in.Finding, in.FindingCY = strings.TrimSpace(in.Finding), strings.TrimSpace(in.FindingCY)
	in.Action, in.ActionCY = strings.TrimSpace(in.Action), strings.TrimSpace(in.ActionCY)
	if in.Number < 0 {
		f.add("number", "invalid", "The number must be 1 or more; leave it empty to take the next number")
	}
	if !Areas.Has(in.Area) {
		f.add("area", "required", "Choose the area of the finding")
	}
	if !Priorities.Has(in.Priority) {
		f.add("priority", "required", "Choose a priority")
	}
	f.text("finding", in.Finding, "the finding", "Enter the finding", maxText, true)
	f.text("finding_cy", in.FindingCY, "the finding in Welsh", "", maxText, true)
	f.text("action", in.Action, "the recommended action", "Enter the recommended action", maxText, true)
	f.text("action_cy", in.ActionCY, "the recommended action in Welsh", "", maxText, true)
	if in.TargetOn.IsZero() {
		f.add("target_on", "required", "Enter the target date")
	} else {
		in.TargetOn = day(in.TargetOn)
		var after *auditDate
		for _, d := range []auditDate{{"fieldwork_to", "the date fieldwork ended", a.FieldworkTo}, {"report_on", "the date of the report", a.ReportOn}} {
			if d.on != nil && (after == nil || d.on.After(*after.on)) {
				after = &d
			}
		}
		if after != nil && in.TargetOn.Before(*after.on) {
			f.add("target_on", "order", "The target date must be the same as or after %s, %s", after.what, formatDate(*after.on))
		}
	}
	var unknown []string
	in.Provisions, unknown = canonicalIDs(in.Provisions, s.set.Known.ProvisionIDs, s.set.Known.Provision)
	if len(unknown) > 0 {
		f.add("provisions", "unknown", "%s", unknownIDs(unknown, "a provision", "provisions", s.set.Known.ProvisionIDs))
	}
	in.Guidance, unknown = canonicalIDs(in.Guidance, s.set.Known.GuidanceIDs, s.set.Known.Guidance)
	if len(unknown) > 0 {
		f.add("guidance", "unknown", "%s", unknownIDs(unknown, "a guidance document", "guidance documents", s.set.Known.GuidanceIDs))
	}
	return f
}

// editable refuses a change to the recommendations of a closed audit.
func editable(a *Audit) error {
	if a.State == "closed" {
		return apperr.New(apperr.Conflict, "This audit is closed, so its recommendations can no longer be changed.")
	}
	return nil
}

func numberTaken(n int) apperr.FieldError {
	return apperr.FieldError{Field: "number", Code: "taken", Message: fmt.Sprintf("R%d already exists in this audit; choose another number or leave it empty to take the next one", n)}
}

// insertRec writes a checked recommendation, taking the audit's next
// number when it has none, and audits it as action.
func insertRec(ctx context.Context, tx pgx.Tx, auditID int64, in *RecommendationInput, action string, change map[string]any) (*Recommendation, error) {
	q := dbsqlc.New(tx)
	if in.Number == 0 {
		n, err := q.NextRecommendationNumber(ctx, auditID)
		if err != nil {
			return nil, err
		}
		in.Number = int(n)
	}
	id, err := q.InsertRecommendation(ctx, dbsqlc.InsertRecommendationParams{AuditID: auditID, Number: int32(in.Number), Area: in.Area,
		Finding: in.Finding, FindingCy: in.FindingCY, Action: in.Action, ActionCy: in.ActionCY, Priority: in.Priority, TargetOn: in.TargetOn,
		Provisions: in.Provisions, Guidance: in.Guidance, CreatedBy: actorID(ctx)})
	if err != nil {
		if uniqueViolation(err) == "audit_recommendations_audit_id_number_key" {
			return nil, apperr.Fields(numberTaken(in.Number))
		}
		return nil, err
	}
	rec, err := getRecommendation(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if action != "" {
		sum := recSummary(rec)
		for k, v := range change {
			sum[k] = v
		}
		if err := audit.Record(ctx, tx, action, "audit_recommendation", fmt.Sprint(id), audit.Change{After: sum}); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// AddRecommendation adds a recommendation to an audit that is not closed,
// audited as audit_recommendation.create. Number 0 takes the next number.
func (s *Service) AddRecommendation(ctx context.Context, auditID int64, in RecommendationInput) (*Recommendation, error) {
	var out *Recommendation
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		a, err := lockAudit(ctx, q, auditID)
		if err != nil {
			return err
		}
		if err := editable(a); err != nil {
			return err
		}
		f := s.checkRec(&in, a)
		if in.Number > 0 && !f.has("number") {
			nums, err := q.RecommendationNumbers(ctx, auditID)
			if err != nil {
				return err
			}
			for _, n := range nums {
				if int(n) == in.Number {
					f = append(f, numberTaken(in.Number))
				}
			}
		}
		if err := f.err(); err != nil {
			return err
		}
		out, err = insertRec(ctx, tx, auditID, &in, "audit_recommendation.create", nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateRecommendation changes a recommendation of an audit that is not
// closed; in.Version must be current, else a Conflict. Number 0 keeps its
// number. Audited as audit_recommendation.update.
func (s *Service) UpdateRecommendation(ctx context.Context, id int64, in RecommendationInput) (*Recommendation, error) {
	var out *Recommendation
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		before, a, err := lockRecommendation(ctx, q, id)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return stale("The recommendation")
		}
		if err := editable(a); err != nil {
			return err
		}
		if in.Number == 0 {
			in.Number = before.Number
		}
		f := s.checkRec(&in, a)
		if err := f.err(); err != nil {
			return err
		}
		if err := q.UpdateRecommendation(ctx, dbsqlc.UpdateRecommendationParams{ID: id, Number: int32(in.Number), Area: in.Area,
			Finding: in.Finding, FindingCy: in.FindingCY, Action: in.Action, ActionCy: in.ActionCY, Priority: in.Priority, TargetOn: in.TargetOn,
			Provisions: in.Provisions, Guidance: in.Guidance}); err != nil {
			if uniqueViolation(err) == "audit_recommendations_audit_id_number_key" {
				return apperr.Fields(numberTaken(in.Number))
			}
			return err
		}
		if out, err = getRecommendation(ctx, q, id); err != nil {
			return err
		}
		b, af := recSummary(before), recSummary(out)
		textChanges(b, af, map[string][2]string{"finding": {before.Finding, out.Finding}, "finding_cy": {before.FindingCY, out.FindingCY},
			"action": {before.Action, out.Action}, "action_cy": {before.ActionCY, out.ActionCY}})
		return audit.Record(ctx, tx, "audit_recommendation.update", "audit_recommendation", fmt.Sprint(id), audit.Change{Before: b, After: af})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Recommendation returns one recommendation with its progress updates
// (latest first) and their evidence (without content), or NotFound.
func (s *Service) Recommendation(ctx context.Context, id int64) (*Recommendation, error) {
	q := dbsqlc.New(s.pool)
	rec, err := getRecommendation(ctx, q, id)
	if err != nil {
		return nil, err
	}
	prog, err := q.RecommendationProgress(ctx, id)
	if err != nil {
		return nil, err
	}
	ev, err := q.RecommendationEvidence(ctx, id)
	if err != nil {
		return nil, err
	}
	rec.Progress = make([]Progress, len(prog))
	byID := map[int64]*Progress{}
	for i, p := range prog {
		rec.Progress[i] = Progress{ID: p.ID, RecommendationID: p.RecommendationID, NotedOn: day(p.NotedOn), Note: p.Note, By: p.ByEmail,
			CreatedAt: p.CreatedAt, Evidence: []Evidence{}}
		byID[p.ID] = &rec.Progress[i]
	}
	for _, e := range ev {
		if p := byID[e.ProgressID]; p != nil {
			p.Evidence = append(p.Evidence, Evidence{ID: e.ID, ProgressID: e.ProgressID, Filename: e.Filename, ContentType: e.ContentType,
				Size: int(e.SizeBytes), SHA256: e.Sha256})
		}
	}
	return rec, nil
}

// Recommendations lists an audit's recommendations by number, or
// NotFound when there is no such audit.
func (s *Service) Recommendations(ctx context.Context, auditID int64) ([]Recommendation, error) {
	q := dbsqlc.New(s.pool)
	ok, err := q.AuditExists(ctx, auditID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.NotFound, "There is no audit %d.", auditID)
	}
	return auditRecommendations(ctx, q, auditID)
}

// auditYear is the year a letter says an audit took place: the year its
// fieldwork began, or else the year it was created.
func auditYear(fieldworkFrom *time.Time, created time.Time) int {
	a := Audit{FieldworkFrom: fieldworkFrom, CreatedAt: created}
	return a.Year()
}

// PartyOverview returns a party's audits (latest first) and the open
// urgent and high recommendations of its audits that are not closed.
func (s *Service) PartyOverview(ctx context.Context, partyID int64) (*PartyOverview, error) {
	as, err := s.Audits(ctx, AuditFilter{PartyID: partyID})
	if err != nil {
		return nil, err
	}
	open, err := s.OpenRecommendations(ctx, []int64{partyID})
	if err != nil {
		return nil, err
	}
	out := &PartyOverview{Audits: as, Open: []OpenRecommendation{}}
	for _, r := range open[partyID] {
		if r.Priority == "urgent" || r.Priority == "high" {
			out.Open = append(out.Open, r)
		}
	}
	return out, nil
}

// OpenRecommendations returns each party's open recommendations (no
// closing status) of its audits that are not closed, urgent first, then
// by target date: what an election reminder can mention. A party with
// none has no entry.
func (s *Service) OpenRecommendations(ctx context.Context, partyIDs []int64) (map[int64][]OpenRecommendation, error) {
	out := map[int64][]OpenRecommendation{}
	if len(partyIDs) == 0 {
		return out, nil
	}
	rows, err := dbsqlc.New(s.pool).OpenRecommendations(ctx, dbsqlc.OpenRecommendationsParams{PartyIds: partyIDs, Today: today()})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		rec := recOf(dbsqlc.AuditRecommendationsRow{ID: r.ID, AuditID: r.AuditID, Number: r.Number, Area: r.Area, Finding: r.Finding,
			FindingCy: r.FindingCy, Action: r.Action, ActionCy: r.ActionCy, Priority: r.Priority, TargetOn: r.TargetOn, Provisions: r.Provisions,
			Guidance: r.Guidance, Response: r.Response, ResponseAction: r.ResponseAction, ResponseOwner: r.ResponseOwner,
			ResponseDueOn: r.ResponseDueOn, RespondedAt: r.RespondedAt, Status: r.Status, StatusNote: r.StatusNote, ReviewedAt: r.ReviewedAt,
			Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, LastUpdate: r.LastUpdate, Overdue: r.Overdue})
		out[r.PartyID] = append(out[r.PartyID], OpenRecommendation{Recommendation: rec, AuditYear: auditYear(r.FieldworkFrom, r.AuditCreatedAt),
			AuditType: r.AuditType})
	}
	return out, nil
}
