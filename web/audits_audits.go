package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// auditForm is the audit form's data, as typed.
type auditForm struct {
	ID         int64
	Version    int
	Programme  string
	Party      string
	Type       string
	Dates      map[string]dateParts
	Scope      []string
	Auditors   string
	Assurance  string
	GoodEN     string
	GoodCY     string
	Programmes []audits.Programme
	Parties    []parties.Party
	Errors     fieldErrors
}

// auditDateFields are the audit form's dates, in the order they happen.
var auditDateFields = []struct{ Field, Label, Hint string }{
	{"notice_on", "Date of the assessment notice (optional)", "Only for a compulsory audit."},
	{"fieldwork_from", "First day of fieldwork (optional)", "Needed before the audit moves to fieldwork."},
	{"fieldwork_to", "Last day of fieldwork (optional)", "Needed before the report is issued."},
	{"report_on", "Date of the audit report (optional)", "Needed before the report is issued."},
}

// DateFields are the form's date questions.
func (f auditForm) DateFields() []auditDate {
	out := make([]auditDate, len(auditDateFields))
	for i, d := range auditDateFields {
		out[i] = auditDate{Field: d.Field, Label: d.Label, Hint: d.Hint + " For example, 14 10 2019", Error: f.Errors.For(d.Field), Parts: f.Dates[d.Field]}
	}
	return out
}

// Types are the audit types, labelled.
func (f auditForm) Types() []labelled { return auditOptions(audits.Types) }

// ScopeOptions are the scope areas, labelled.
func (f auditForm) ScopeOptions() []labelled { return auditOptions(audits.Scopes) }

// AssuranceOptions are the assurance levels, labelled, after "not yet
// given" (the level comes with the report).
func (f auditForm) AssuranceOptions() []labelled {
	return append([]labelled{{Code: "", Label: "Not yet given"}}, auditOptions(audits.Assurance)...)
}

// InScope reports whether the scope area is ticked.
func (f auditForm) InScope(code string) bool { return slices.Contains(f.Scope, code) }

// GoodPractice are the good practice questions.
func (f auditForm) GoodPractice() []auditField {
	return []auditField{
		{ID: "good_practice", Label: "Good practice noted (optional)", Hint: "The programme's summary report quotes it.", Value: f.GoodEN, Error: f.Errors.For("good_practice"), Area: true},
		{ID: "good_practice_cy", Label: "Good practice noted, in Welsh (optional)", Value: f.GoodCY, Error: f.Errors.For("good_practice_cy"), Area: true, Welsh: true},
	}
}

func auditFormOf(a *audits.Audit) auditForm {
	f := auditForm{ID: a.ID, Version: a.Version, Party: strconv.FormatInt(a.PartyID, 10), Type: a.Type, Scope: a.Scope,
		Auditors: strings.Join(a.Auditors, "\n"), Assurance: a.Assurance, GoodEN: a.GoodPractice, GoodCY: a.GoodPracticeCY,
		Dates: map[string]dateParts{"notice_on": partsOf(a.NoticeOn), "fieldwork_from": partsOf(a.FieldworkFrom),
			"fieldwork_to": partsOf(a.FieldworkTo), "report_on": partsOf(a.ReportOn)}}
	if a.ProgrammeID != nil {
		f.Programme = strconv.FormatInt(*a.ProgrammeID, 10)
	}
	return f
}

// readAuditForm reads the posted form, and the input it makes with the
// form's own problems: only what the service cannot see, a programme or
// a date it cannot read (left out of the input). The service checks the
// rest.
func readAuditForm(r *http.Request) (auditForm, audits.AuditInput, []apperr.FieldError) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := auditForm{Programme: get("programme"), Party: get("party"), Type: get("type"), Scope: r.PostForm["scope"],
		Auditors: r.PostFormValue("auditors"), Assurance: get("assurance"), GoodEN: get("good_practice"), GoodCY: get("good_practice_cy"),
		Dates: map[string]dateParts{}}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in := audits.AuditInput{Type: f.Type, Scope: f.Scope, Assurance: f.Assurance, GoodPractice: f.GoodEN, GoodPracticeCY: f.GoodCY, Version: f.Version}
	var errs dateErrors
	if f.Programme != "" {
		id, err := strconv.ParseInt(f.Programme, 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, apperr.FieldError{Field: "programme", Message: "Choose the programme from the list"})
		} else {
			in.ProgrammeID = &id
		}
	}
	// A party that is not a number is no party, which the service names.
	in.PartyID, _ = strconv.ParseInt(f.Party, 10, 64)
	for _, line := range strings.Split(f.Auditors, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Auditors = append(in.Auditors, line)
		}
	}
	for _, d := range auditDateFields {
		f.Dates[d.Field] = readAuditDate(r, d.Field)
	}
	label := map[string]string{"notice_on": "The date of the notice", "fieldwork_from": "The first day of fieldwork",
		"fieldwork_to": "The last day of fieldwork", "report_on": "The date of the report"}
	errs.parse(f.Dates["notice_on"], "notice_on", label["notice_on"], "", &in.NoticeOn)
	errs.parse(f.Dates["fieldwork_from"], "fieldwork_from", label["fieldwork_from"], "", &in.FieldworkFrom)
	errs.parse(f.Dates["fieldwork_to"], "fieldwork_to", label["fieldwork_to"], "", &in.FieldworkTo)
	errs.parse(f.Dates["report_on"], "report_on", label["report_on"], "", &in.ReportOn)
	return f, in, errs
}

// withChoices adds the programmes and parties the form offers.
func (s *Server) withChoices(r *http.Request, f *auditForm) error {
	var err error
	if f.Programmes, err = s.audits.Programmes(r.Context()); err != nil {
		return err
	}
	f.Parties, err = s.partyChoices(r)
	return err
}

func (s *Server) handleAuditNew(w http.ResponseWriter, r *http.Request) {
	f := auditForm{Programme: r.URL.Query().Get("programme"), Party: r.URL.Query().Get("party"), Dates: map[string]dateParts{}}
	if err := s.withChoices(r, &f); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_form", page{Data: f})
}

func (s *Server) handleAuditCreate(w http.ResponseWriter, r *http.Request) { s.saveAudit(w, r, 0) }

func (s *Server) handleAuditEdit(w http.ResponseWriter, r *http.Request) {
	a, err := s.pathAudit(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := auditFormOf(a)
	if err := s.withChoices(r, &f); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_form", page{Data: f})
}

func (s *Server) handleAuditUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := auditsPathID(r, "audit")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.saveAudit(w, r, id)
}

// saveAudit creates (id 0) or changes an audit from the posted form,
// showing every problem at once.
func (s *Server) saveAudit(w http.ResponseWriter, r *http.Request, id int64) {
	f, in, own := readAuditForm(r)
	f.ID = id
	fail := func(status int, errs []apperr.FieldError) {
		f.Errors = errs
		if err := s.withChoices(r, &f); err != nil {
			s.Error(w, r, err)
			return
		}
		s.render(w, r, status, "audits_form", page{Errors: errs, Data: f})
	}
	var a *audits.Audit
	var err error
	ctx := auditFormCtx(r, own)
	if id == 0 {
		a, err = s.audits.CreateAudit(ctx, in)
	} else {
		// The follow-up date is the review's, not this form's: keep it.
		var cur *audits.Audit
		if cur, err = s.audits.Audit(r.Context(), id); err == nil {
			in.FollowUpOn = cur.FollowUpOn
			a, err = s.audits.UpdateAudit(ctx, id, in)
		}
	}
	if s.auditFormDone(w, r, own, err, fail) {
		return
	}
	if id == 0 {
		s.setFlash(w, "The audit has been created.")
	} else {
		s.setFlash(w, "The audit's details have been saved.")
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/audits/%d", a.ID), http.StatusSeeOther)
}

// auditViewData is an audit's page.
type auditViewData struct {
	L               auditLabels
	A               *audits.Audit
	Recommendations []audits.Recommendation
}

// Next is the state the audit moves to next, "" once closed.
func (d auditViewData) Next() string {
	i := audits.States.Rank(d.A.State)
	if i+1 >= len(audits.States) {
		return ""
	}
	return audits.States[i+1].Code
}

// Needs says, in sentences, what the audit still lacks for the next
// state: the service's own rules (audits.Unmet), which Advance applies.
func (d auditViewData) Needs() []string {
	if d.Next() == "" {
		return nil
	}
	return audits.Unmet(d.Next(), d.A, d.Recommendations)
}

// LetterLive reports whether the audit's follow-up letter batch is live
// (held, scheduled or released): then the page links to it, and a new
// draft waits until it is cancelled.
func (d auditViewData) LetterLive() bool {
	return d.A.LetterBatchID != nil && d.A.LetterBatchState != "" && d.A.LetterBatchState != "cancelled"
}

// LetterState says in words where the letter batch stands.
func (d auditViewData) LetterState() string {
	switch d.A.LetterBatchState {
	case "held":
		return "held until a second person releases it"
	case "scheduled":
		return "released, to be sent at the time set"
	case "released":
		return "released for sending"
	case "cancelled":
		return "cancelled"
	}
	return "not drafted"
}

// CanReview reports whether the follow-up review can be recorded now.
func (d auditViewData) CanReview() bool {
	return (d.A.State == "report_issued" || d.A.State == "follow_up") && len(d.Recommendations) > 0
}

// plural writes "1 recommendation" or "3 recommendations".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// auditView loads an audit's page data.
func (s *Server) auditView(r *http.Request, id int64) (auditViewData, error) {
	d := auditViewData{}
	var err error
	if d.A, err = s.audits.Audit(r.Context(), id); err != nil {
		return d, err
	}
	d.Recommendations, err = s.audits.Recommendations(r.Context(), id)
	return d, err
}

func (s *Server) handleAuditView(w http.ResponseWriter, r *http.Request) {
	id, err := auditsPathID(r, "audit")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	d, err := s.auditView(r, id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_detail", page{Data: d})
}

// handleAuditAdvance moves the audit to its next state. A refusal (what
// the state needs is missing, or someone changed the audit meanwhile) is
// shown on the audit's page.
func (s *Server) handleAuditAdvance(w http.ResponseWriter, r *http.Request) {
	id, err := auditsPathID(r, "audit")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	to := r.PostFormValue("to")
	a, err := s.audits.Advance(r.Context(), id, to, version)
	if c := apperr.CodeOf(err); c == apperr.Invalid || c == apperr.Conflict {
		d, lerr := s.auditView(r, id)
		if lerr != nil {
			s.Error(w, r, lerr)
			return
		}
		errs := apperr.FieldsOf(err)
		for i := range errs {
			errs[i].Field = "advance"
		}
		if len(errs) == 0 {
			errs = []apperr.FieldError{{Field: "advance", Message: apperr.MessageOf(err)}}
		}
		s.render(w, r, statusOf[c], "audits_detail", page{Errors: errs, Data: d})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, "The audit is now at the stage: "+audits.States.Label(a.State, "en")+".")
	http.Redirect(w, r, fmt.Sprintf("/staff/audits/%d", id), http.StatusSeeOther)
}
