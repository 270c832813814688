package audits

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/audits/internal/dbsqlc"
)

// Evidence limits: the same as for a complaint's evidence.
const (
	MaxEvidenceFiles = complaints.MaxEvidenceFiles
	MaxEvidenceBytes = complaints.MaxEvidenceBytes
)

// notClosed refuses a change to an audit that is closed.
func notClosed(a *Audit) error {
	if a.State == "closed" {
		return apperr.New(apperr.Conflict, "This audit is closed, so it can no longer be changed.")
	}
	return nil
}

// RecordResponse records the party's response to a recommendation of an
// audit whose report is issued and that is not closed: the answer
// (Responses), the action (for not_agreed, the party's reason) and,
// unless not agreed, its owner; the due date, when given, not before the
// report. in.Version is the
// recommendation's. Audited as audit_recommendation.respond.
func (s *Service) RecordResponse(ctx context.Context, recID int64, in ResponseInput) (*Recommendation, error) {
	in.Answer, in.Action, in.Owner = strings.TrimSpace(in.Answer), strings.TrimSpace(in.Action), strings.TrimSpace(in.Owner)
	in.DueOn = dayPtr(in.DueOn)
	var out *Recommendation
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		before, a, err := lockRecommendation(ctx, q, recID)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return stale("The recommendation")
		}
		if err := notClosed(a); err != nil {
			return err
		}
		var f fieldErrs
		reportIssued(a, &f, "Record the party's response")
		if !Responses.Has(in.Answer) {
			f.add("answer", "required", "Choose the party's response")
		}
		if in.Answer == "not_agreed" {
			f.text("action", in.Action, "the party's reason", "Enter the party's reason for not agreeing", maxText, true)
		} else {
			f.text("action", in.Action, "the action", "Enter the action the party will take", maxText, true)
		}
		required := "Enter who is responsible for the action"
		if in.Answer == "not_agreed" {
			required = ""
		}
		f.text("owner", in.Owner, "who is responsible", required, maxOwner, false)
		if in.DueOn != nil && a.ReportOn != nil && in.DueOn.Before(*a.ReportOn) {
			f.add("due_on", "order", "The due date must be the same as or after the date of the report, %s", formatDate(*a.ReportOn))
		}
		if err := f.err(); err != nil {
			return err
		}
		answer := in.Answer
		if err := q.SetResponse(ctx, dbsqlc.SetResponseParams{ID: recID, Response: &answer, ResponseAction: in.Action,
			ResponseOwner: in.Owner, ResponseDueOn: in.DueOn}); err != nil {
			return err
		}
		if out, err = getRecommendation(ctx, q, recID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "audit_recommendation.respond", "audit_recommendation", fmt.Sprint(recID),
			audit.Change{Before: recSummary(before), After: recSummary(out)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkedFile is an evidence file that passed the content check.
type checkedFile struct {
	name, contentType string
	data              []byte
}

// checkFiles checks each evidence file as complaint evidence is checked:
// by content, within the same limits. Problems go on the field "files".
func checkFiles(files []Upload, f *fieldErrs) []checkedFile {
	if len(files) > MaxEvidenceFiles {
		f.add("files", "too_many", "Add %d files or fewer", MaxEvidenceFiles)
		return nil
	}
	var out []checkedFile
	for _, u := range files {
		if len(u.Data) > MaxEvidenceBytes {
			f.add("files", "too_large", "The file %s must be smaller than %d MB", u.Name, MaxEvidenceBytes>>20)
			continue
		}
		name, ct, err := complaints.CheckEvidence(u.Name, bytes.NewReader(u.Data))
		if err != nil {
			fes := apperr.FieldsOf(err)
			if len(fes) == 0 {
				f.add("files", "invalid", "The file %s cannot be read; choose another", u.Name)
			}
			for _, fe := range fes {
				f.add("files", fe.Code, "%s", fe.Message)
			}
			continue
		}
		out = append(out, checkedFile{name: name, contentType: ct, data: u.Data})
	}
	return out
}

// AddProgress adds the party's progress update on a recommendation of an
// audit whose report is issued and that is not closed: the day it was
// noted (not in the future), the note, and up to MaxEvidenceFiles
// evidence files, each checked by its content (complaints.CheckEvidence)
// and kept in the database. Audited as audit_progress.add.
func (s *Service) AddProgress(ctx context.Context, recID int64, in ProgressInput) (*Progress, error) {
	in.Note = strings.TrimSpace(in.Note)
	var f fieldErrs
	if in.NotedOn.IsZero() {
		f.add("noted_on", "required", "Enter the date of the update")
	} else if in.NotedOn = day(in.NotedOn); in.NotedOn.After(today()) {
		f.add("noted_on", "future", "The date of the update must be today or in the past")
	}
	f.text("note", in.Note, "the update", "Enter the update", maxNote, true)
	files := checkFiles(in.Files, &f)
	var out *Progress
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		_, a, err := lockRecommendation(ctx, q, recID)
		if err != nil {
			return err
		}
		if err := notClosed(a); err != nil {
			return err
		}
		reportIssued(a, &f, "Add a progress update")
		if err := f.err(); err != nil {
			return err
		}
		row, err := q.InsertProgress(ctx, dbsqlc.InsertProgressParams{RecommendationID: recID, NotedOn: in.NotedOn, Note: in.Note, CreatedBy: actorID(ctx)})
		if err != nil {
			return err
		}
		out = &Progress{ID: row.ID, RecommendationID: recID, NotedOn: in.NotedOn, Note: in.Note, By: actorLabel(ctx), CreatedAt: row.CreatedAt,
			Evidence: []Evidence{}}
		for _, cf := range files {
			sum := sha256.Sum256(cf.data)
			ev := Evidence{ProgressID: row.ID, Filename: cf.name, ContentType: cf.contentType, Size: len(cf.data), SHA256: hex.EncodeToString(sum[:])}
			if ev.ID, err = q.InsertEvidence(ctx, dbsqlc.InsertEvidenceParams{ProgressID: row.ID, Filename: ev.Filename, ContentType: ev.ContentType,
				SizeBytes: int32(ev.Size), Sha256: ev.SHA256, Data: cf.data}); err != nil {
				return err
			}
			out.Evidence = append(out.Evidence, ev)
		}
		return audit.Record(ctx, tx, "audit_progress.add", "audit_progress", fmt.Sprint(row.ID), audit.Change{After: map[string]any{
			"recommendation_id": recID, "noted_on": in.NotedOn.Format(time.DateOnly), "files": len(files)}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// actorLabel names the user making the change, as lists show who added
// a progress update.
func actorLabel(ctx context.Context) string {
	if a := audit.ActorFrom(ctx); a.UserID != nil {
		return a.Label
	}
	return ""
}

// EvidenceFile returns one evidence file with its content, or NotFound.
// Pages serve it only as an attachment, with the stored content type
// and nosniff.
func (s *Service) EvidenceFile(ctx context.Context, id int64) (*Evidence, error) {
	r, err := dbsqlc.New(s.pool).GetEvidence(ctx, id)
	if err != nil {
		return nil, notFound(err, "There is no evidence file %d.", id)
	}
	return &Evidence{ID: r.ID, ProgressID: r.ProgressID, Filename: r.Filename, ContentType: r.ContentType, Size: int(r.SizeBytes),
		SHA256: r.Sha256, Data: r.Data}, nil
}

// RecordReview records the follow-up review of an audit whose report is
// issued or in follow-up: the review's date (not before the report, not
// in the future), a status for every one of its recommendations (by id;
// the field of each is status_<id>, of its note status_note_<id>), and
// the conclusion. An audit whose report is issued moves to follow_up,
// which needs the party's response to every recommendation, as Advance
// does.
// in.Version is the audit's. Audited as audit.review.
func (s *Service) RecordReview(ctx context.Context, auditID int64, in ReviewInput) (*Audit, error) {
	in.Conclusion, in.ConclusionNote = strings.TrimSpace(in.Conclusion), strings.TrimSpace(in.ConclusionNote)
	var out *Audit
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		q := dbsqlc.New(tx)
		before, err := lockAudit(ctx, q, auditID)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return stale("The audit")
		}
		if err := notClosed(before); err != nil {
			return err
		}
		if before.State != "report_issued" && before.State != "follow_up" {
			return apperr.New(apperr.Conflict, "Record the follow-up review once the audit's report is issued.")
		}
		recs, err := auditRecommendations(ctx, q, auditID)
		if err != nil {
			return err
		}
		var f fieldErrs
		if in.FollowUpOn.IsZero() {
			f.add("follow_up_on", "required", "Enter the date of the follow-up review")
		} else {
			in.FollowUpOn = day(in.FollowUpOn)
			switch {
			case before.ReportOn != nil && in.FollowUpOn.Before(*before.ReportOn):
				f.add("follow_up_on", "order", "The date of the follow-up review must be the same as or after the date of the report, %s", formatDate(*before.ReportOn))
			case in.FollowUpOn.After(today()):
				f.add("follow_up_on", "future", "The date of the follow-up review must be today or in the past")
			}
		}
		if in.Statuses == nil {
			in.Statuses = map[int64]StatusInput{}
		}
		ids := map[int64]bool{}
		statuses := map[string]string{}
		for _, r := range recs {
			ids[r.ID] = true
			st := in.Statuses[r.ID]
			st.Status, st.Note = strings.TrimSpace(st.Status), strings.TrimSpace(st.Note)
			in.Statuses[r.ID] = st
			if !Statuses.Has(st.Status) {
				f.add(fmt.Sprintf("status_%d", r.ID), "required", "Choose a follow-up status for %s", r.Ref())
			}
			f.text(fmt.Sprintf("status_note_%d", r.ID), st.Note, "the note on "+r.Ref(), "", maxText, true)
			statuses[r.Ref()] = st.Status
		}
		for id := range in.Statuses {
			if !ids[id] {
				f.add("statuses", "invalid", "Give statuses only to this audit's recommendations")
				break
			}
		}
		if !Conclusions.Has(in.Conclusion) {
			f.add("conclusion", "required", "Choose the follow-up review's conclusion")
		}
		f.text("conclusion_note", in.ConclusionNote, "the note on the conclusion", "", maxText, true)
		if before.State == "report_issued" {
			// The review moves the audit to follow-up, which needs what
			// Advance would ask for.
			for _, fe := range unmet("follow_up", before, recs, " before recording the follow-up review") {
				if !f.has(fe.Field) {
					f = append(f, fe)
				}
			}
		}
		if err := f.err(); err != nil {
			return err
		}
		for _, r := range recs {
			st := in.Statuses[r.ID]
			if err := q.SetStatus(ctx, dbsqlc.SetStatusParams{ID: r.ID, Status: &st.Status, StatusNote: st.Note}); err != nil {
				return err
			}
		}
		state := before.State
		if state == "report_issued" {
			state = "follow_up"
		}
		conclusion := in.Conclusion
		if err := q.SetAuditReview(ctx, dbsqlc.SetAuditReviewParams{ID: auditID, FollowUpOn: in.FollowUpOn, Conclusion: &conclusion,
			ConclusionNote: in.ConclusionNote, State: state}); err != nil {
			return err
		}
		if out, err = getAudit(ctx, q, auditID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "audit.review", "audit", fmt.Sprint(auditID), audit.Change{
			Before: map[string]any{"state": before.State, "conclusion": before.Conclusion, "follow_up_on": dateString(before.FollowUpOn), "version": before.Version},
			After: map[string]any{"state": out.State, "conclusion": out.Conclusion, "follow_up_on": dateString(out.FollowUpOn), "version": out.Version,
				"statuses": statuses}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
