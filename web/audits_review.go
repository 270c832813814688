package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
)

// auditReviewForm is the follow-up review form: one status and note per
// recommendation, the overall conclusion and the review's date, as typed.
type auditReviewForm struct {
	L               auditLabels
	A               *audits.Audit
	Recommendations []audits.Recommendation
	Statuses        map[int64]audits.StatusInput
	Conclusion      string
	ConclusionNote  string
	FollowUp        dateParts
	Errors          fieldErrors
}

// StatusOptions are the follow-up statuses, labelled.
func (f auditReviewForm) StatusOptions() []labelled { return auditOptions(audits.Statuses) }

// ConclusionOptions are the overall conclusions, labelled.
func (f auditReviewForm) ConclusionOptions() []labelled { return auditOptions(audits.Conclusions) }

// StatusOf is a recommendation's status as chosen.
func (f auditReviewForm) StatusOf(id int64) string { return f.Statuses[id].Status }

// NoteOf is a recommendation's note as typed.
func (f auditReviewForm) NoteOf(id int64) string { return f.Statuses[id].Note }

// Field is the form field of a recommendation's status or note.
func (f auditReviewForm) Field(kind string, id int64) string {
	return kind + "-" + strconv.FormatInt(id, 10)
}

// FollowUpDate is the review date question.
func (f auditReviewForm) FollowUpDate() auditDate {
	return auditDate{Field: "follow_up_on", Label: "Date of the follow-up review", Hint: "For example, 14 9 2020",
		Error: f.Errors.For("follow_up_on"), Parts: f.FollowUp}
}

// loadReview loads the audit and its recommendations into a form that
// starts from what was recorded before.
func (s *Server) loadReview(r *http.Request) (auditReviewForm, error) {
	f := auditReviewForm{Statuses: map[int64]audits.StatusInput{}}
	var err error
	if f.A, err = s.pathAudit(r); err != nil {
		return f, err
	}
	if f.Recommendations, err = s.audits.Recommendations(r.Context(), f.A.ID); err != nil {
		return f, err
	}
	f.Conclusion, f.ConclusionNote, f.FollowUp = f.A.Conclusion, f.A.ConclusionNote, partsOf(f.A.FollowUpOn)
	for _, rec := range f.Recommendations {
		f.Statuses[rec.ID] = audits.StatusInput{Status: rec.Status, Note: rec.StatusNote}
	}
	return f, nil
}

func (s *Server) handleAuditReviewForm(w http.ResponseWriter, r *http.Request) {
	f, err := s.loadReview(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_review", page{Data: f})
}

func (s *Server) handleAuditReview(w http.ResponseWriter, r *http.Request) {
	f, err := s.loadReview(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	f.Conclusion, f.ConclusionNote, f.FollowUp = get("conclusion"), get("conclusion_note"), readAuditDate(r, "follow_up_on")
	in := audits.ReviewInput{Statuses: map[int64]audits.StatusInput{}, Conclusion: f.Conclusion, ConclusionNote: f.ConclusionNote, Version: version}
	for _, rec := range f.Recommendations {
		st := audits.StatusInput{Status: get(f.Field("status", rec.ID)), Note: get(f.Field("note", rec.ID))}
		f.Statuses[rec.ID] = st
		in.Statuses[rec.ID] = st
	}
	// The service checks the answers; only a date that cannot be read is
	// the form's own problem.
	var own dateErrors
	var day *time.Time
	own.parse(f.FollowUp, "follow_up_on", "The date of the follow-up review", "", &day)
	if day != nil {
		in.FollowUpOn = *day
	}
	_, err = s.audits.RecordReview(auditFormCtx(r, own), f.A.ID, in)
	show := func(status int, errs []apperr.FieldError) {
		f.Errors = errs
		s.render(w, r, status, "audits_review", page{Errors: f.Errors, Data: f})
	}
	if s.auditFormDone(w, r, own, err, show) {
		return
	}
	s.setFlash(w, "The follow-up review has been recorded.")
	http.Redirect(w, r, fmt.Sprintf("/staff/audits/%d", f.A.ID), http.StatusSeeOther)
}
