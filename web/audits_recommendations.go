package web

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/legal"
)

// lawGroup is one law's provisions, as the recommendation form lists
// them under the law's name.
type lawGroup struct {
	Law     string
	Options []labelled
}

// citeables are the provisions (grouped by law) and guidance points a
// recommendation may rest on: the rulebook's in force, as triage cites
// them, each named in words.
func (s *Server) citeables() ([]lawGroup, []labelled, error) {
	rb := s.rulebook
	if rb == nil {
		var err error
		if rb, err = triage.DefaultRulebook(); err != nil {
			return nil, nil, err
		}
	}
	var groups []lawGroup
	add := func(law string, o labelled) {
		for i := range groups {
			if groups[i].Law == law {
				groups[i].Options = append(groups[i].Options, o)
				return
			}
		}
		groups = append(groups, lawGroup{Law: law, Options: []labelled{o}})
	}
	for _, p := range rb.Provisions {
		law, label := "Other provisions", p.Title
		if lp, ok := legal.ProvisionByID(p.ID); ok {
			if l, ok := legal.LawByID(lp.Law); ok {
				law = upperFirst(l.Name["en"])
			}
			// Under its law's name, a provision needs only its number.
			label = upperFirst(lp.Unit["en"]) + " " + lp.NumberIn("en") + ": " + p.Title
		}
		add(law, labelled{Code: p.ID, Label: label})
	}
	guidance := make([]labelled, len(rb.Guidance))
	for i, g := range rb.Guidance {
		guidance[i] = labelled{Code: g.ID, Label: g.Text}
	}
	return groups, guidance, nil
}

// auditRecForm is the recommendation form's data, as typed.
type auditRecForm struct {
	Audit      *audits.Audit
	ID         int64
	Version    int
	Number     string
	Area       string
	Priority   string
	FindingEN  string
	FindingCY  string
	ActionEN   string
	ActionCY   string
	Target     dateParts
	Provisions []string
	Guidance   []string
	Laws       []lawGroup
	GuidanceOf []labelled
	Errors     fieldErrors
}

// Areas are the area radios' choices.
func (f auditRecForm) Areas() []labelled { return auditOptions(audits.Areas) }

// Priorities are the priority radios' choices.
func (f auditRecForm) Priorities() []labelled { return auditOptions(audits.Priorities) }

// Cites reports whether a provision or guidance id is ticked.
func (f auditRecForm) Cites(id string) bool {
	return slices.Contains(f.Provisions, id) || slices.Contains(f.Guidance, id)
}

// Texts are the finding and action questions.
func (f auditRecForm) Texts() []auditField {
	return []auditField{
		{ID: "finding", Label: "Finding", Hint: "What the audit found.", Value: f.FindingEN, Error: f.Errors.For("finding"), Area: true},
		{ID: "finding_cy", Label: "Finding in Welsh (optional)", Hint: "Needed for a party with Welsh readers.", Value: f.FindingCY, Error: f.Errors.For("finding_cy"), Area: true, Welsh: true},
		{ID: "action", Label: "Recommended action", Hint: "What the party should do.", Value: f.ActionEN, Error: f.Errors.For("action"), Area: true},
		{ID: "action_cy", Label: "Recommended action in Welsh (optional)", Value: f.ActionCY, Error: f.Errors.For("action_cy"), Area: true, Welsh: true},
	}
}

// TargetDate is the target date question.
func (f auditRecForm) TargetDate() auditDate {
	return auditDate{Field: "target_on", Label: "Target date", Hint: "When the party should have done it. For example, 31 3 2020",
		Error: f.Errors.For("target_on"), Parts: f.Target}
}

func recFormOf(a *audits.Audit, rec *audits.Recommendation) auditRecForm {
	return auditRecForm{Audit: a, ID: rec.ID, Version: rec.Version, Number: strconv.Itoa(rec.Number), Area: rec.Area, Priority: rec.Priority,
		FindingEN: rec.Finding, FindingCY: rec.FindingCY, ActionEN: rec.Action, ActionCY: rec.ActionCY, Target: partsOf(&rec.TargetOn),
		Provisions: rec.Provisions, Guidance: rec.Guidance}
}

func readRecForm(r *http.Request) (auditRecForm, audits.RecommendationInput, []apperr.FieldError) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := auditRecForm{Number: get("number"), Area: get("area"), Priority: get("priority"), FindingEN: get("finding"), FindingCY: get("finding_cy"),
		ActionEN: get("action"), ActionCY: get("action_cy"), Target: readAuditDate(r, "target_on"),
		Provisions: r.PostForm["provisions"], Guidance: r.PostForm["guidance"]}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in := audits.RecommendationInput{Area: f.Area, Priority: f.Priority, Finding: f.FindingEN, FindingCY: f.FindingCY, Action: f.ActionEN,
		ActionCY: f.ActionCY, Provisions: f.Provisions, Guidance: f.Guidance, Version: f.Version}
	// Only what the service cannot see is checked here: a number or a
	// date that cannot be read (left out of the input).
	var errs dateErrors
	if f.Number != "" {
		n, err := strconv.Atoi(f.Number)
		if err != nil || n <= 0 {
			errs = append(errs, apperr.FieldError{Field: "number", Message: "Enter the number as a whole number, such as 7, or leave it empty"})
		} else {
			in.Number = n
		}
	}
	var target *time.Time
	errs.parse(f.Target, "target_on", "The target date", "", &target)
	if target != nil {
		in.TargetOn = *target
	}
	return f, in, errs
}

// withCiteables adds the provisions and guidance the form offers.
func (s *Server) withCiteables(f *auditRecForm) error {
	var err error
	f.Laws, f.GuidanceOf, err = s.citeables()
	return err
}

func (s *Server) handleAuditRecNew(w http.ResponseWriter, r *http.Request) {
	a, err := s.pathAudit(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := auditRecForm{Audit: a}
	if err := s.withCiteables(&f); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_recommendation_form", page{Data: f})
}

func (s *Server) handleAuditRecCreate(w http.ResponseWriter, r *http.Request) {
	a, err := s.pathAudit(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.saveAuditRec(w, r, a, 0)
}

func (s *Server) handleAuditRecEdit(w http.ResponseWriter, r *http.Request) {
	rec, a, ok := s.loadAuditRec(w, r)
	if !ok {
		return
	}
	f := recFormOf(a, rec)
	if err := s.withCiteables(&f); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_recommendation_form", page{Data: f})
}

func (s *Server) handleAuditRecUpdate(w http.ResponseWriter, r *http.Request) {
	rec, a, ok := s.loadAuditRec(w, r)
	if !ok {
		return
	}
	s.saveAuditRec(w, r, a, rec.ID)
}

// loadAuditRec loads the recommendation of the route and its audit.
func (s *Server) loadAuditRec(w http.ResponseWriter, r *http.Request) (*audits.Recommendation, *audits.Audit, bool) {
	id, err := auditsPathID(r, "recommendation")
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	rec, err := s.audits.Recommendation(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	a, err := s.audits.Audit(r.Context(), rec.AuditID)
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	return rec, a, true
}

// saveAuditRec adds (id 0) or changes a recommendation of audit a from
// the posted form, showing every problem at once.
func (s *Server) saveAuditRec(w http.ResponseWriter, r *http.Request, a *audits.Audit, id int64) {
	f, in, own := readRecForm(r)
	f.Audit, f.ID = a, id
	fail := func(status int, errs []apperr.FieldError) {
		f.Errors = errs
		if err := s.withCiteables(&f); err != nil {
			s.Error(w, r, err)
			return
		}
		s.render(w, r, status, "audits_recommendation_form", page{Errors: errs, Data: f})
	}
	var rec *audits.Recommendation
	var err error
	if ctx := auditFormCtx(r, own); id == 0 {
		rec, err = s.audits.AddRecommendation(ctx, a.ID, in)
	} else {
		rec, err = s.audits.UpdateRecommendation(ctx, id, in)
	}
	if s.auditFormDone(w, r, own, err, fail) {
		return
	}
	if id == 0 {
		s.setFlash(w, "Recommendation "+rec.Ref()+" has been added.")
		http.Redirect(w, r, fmt.Sprintf("/staff/audits/%d", a.ID), http.StatusSeeOther)
		return
	}
	s.setFlash(w, "Recommendation "+rec.Ref()+" has been saved.")
	http.Redirect(w, r, fmt.Sprintf("/staff/audits/recommendations/%d", rec.ID), http.StatusSeeOther)
}

// auditRecView is a recommendation's page: the recommendation, the
// party's response (with its form) and the progress updates (with the
// form to add one).
type auditRecView struct {
	L        auditLabels
	A        *audits.Audit
	R        *audits.Recommendation
	Response auditResponseForm
	Progress auditProgressForm
	Errors   fieldErrors
	MaxFiles int
	MaxMB    int
	// Names are the words for every provision and guidance id.
	Names map[string]string
}

// auditResponseForm is the response form as typed.
type auditResponseForm struct {
	Answer, Action, Owner string
	Due                   dateParts
}

// auditProgressForm is the progress form as typed (files are chosen
// again after a refusal).
type auditProgressForm struct {
	Noted dateParts
	Note  string
}

// ReportIssued reports whether the audit's report is issued, from when
// the party's response and progress are recorded.
func (d auditRecView) ReportIssued() bool {
	return audits.States.Rank(d.A.State) >= audits.States.Rank("report_issued")
}

// Answers are the response radios' choices.
func (d auditRecView) Answers() []labelled { return auditOptions(audits.Responses) }

// ResponseFields are the response form's text questions.
func (d auditRecView) ResponseFields() []auditField {
	return []auditField{
		{ID: "action", Label: "The party's action, or its reason for not agreeing", Value: d.Response.Action, Error: d.Errors.For("action"), Area: true},
		{ID: "owner", Label: "Who owns the action", Hint: "A role or a name at the party. Not needed when the party does not agree.",
			Value: d.Response.Owner, Error: d.Errors.For("owner")},
	}
}

// NoteField is the progress form's note question.
func (d auditRecView) NoteField() auditField {
	return auditField{ID: "note", Label: "What the party has done", Value: d.Progress.Note, Error: d.Errors.For("note"), Area: true}
}

// DueDate is the response form's date question.
func (d auditRecView) DueDate() auditDate {
	return auditDate{Field: "due_on", Label: "When the party plans to finish (optional)", Hint: "For example, 30 6 2020",
		Error: d.Errors.For("due_on"), Parts: d.Response.Due}
}

// NotedDate is the progress form's date question.
func (d auditRecView) NotedDate() auditDate {
	return auditDate{Field: "noted_on", Label: "Date of the update", Hint: "Leave empty for today. For example, 12 2 2020",
		Error: d.Errors.For("noted_on"), Parts: d.Progress.Noted}
}

// Cited names a cited provision or guidance point in words.
func (d auditRecView) Cited(id string) string {
	if n, ok := d.Names[id]; ok {
		return n
	}
	return "A provision or guidance point no longer in the rulebook"
}

func (s *Server) newRecView(rec *audits.Recommendation, a *audits.Audit) auditRecView {
	d := auditRecView{A: a, R: rec, MaxFiles: audits.MaxEvidenceFiles, MaxMB: audits.MaxEvidenceBytes >> 20, Names: map[string]string{}}
	if laws, guidance, err := s.citeables(); err == nil {
		for _, g := range laws {
			for _, o := range g.Options {
				// Out of its group, a provision is cited in full.
				d.Names[o.Code] = o.Label
				if _, ok := legal.ProvisionByID(o.Code); ok {
					_, title, _ := strings.Cut(o.Label, ": ")
					d.Names[o.Code] = upperFirst(legal.MustCite(o.Code, "en")) + ": " + title
				}
			}
		}
		for _, o := range guidance {
			d.Names[o.Code] = o.Label
		}
	}
	if rec.Response != nil {
		d.Response = auditResponseForm{Answer: rec.Response.Answer, Action: rec.Response.Action, Owner: rec.Response.Owner, Due: partsOf(rec.Response.DueOn)}
	}
	return d
}

func (s *Server) handleAuditRecView(w http.ResponseWriter, r *http.Request) {
	rec, a, ok := s.loadAuditRec(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "audits_recommendation", page{Data: s.newRecView(rec, a)})
}

func (s *Server) handleAuditResponse(w http.ResponseWriter, r *http.Request) {
	rec, a, ok := s.loadAuditRec(w, r)
	if !ok {
		return
	}
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := auditResponseForm{Answer: get("answer"), Action: get("action"), Owner: get("owner"), Due: readAuditDate(r, "due_on")}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	in := audits.ResponseInput{Answer: form.Answer, Action: form.Action, Owner: form.Owner, Version: version}
	// The service checks the answers; only a date that cannot be read
	// is the form's own problem.
	var own dateErrors
	own.parse(form.Due, "due_on", "The planned finish date", "", &in.DueOn)
	_, err := s.audits.RecordResponse(auditFormCtx(r, own), rec.ID, in)
	show := func(status int, errs []apperr.FieldError) {
		d := s.newRecView(rec, a)
		d.Response, d.Errors = form, errs
		s.render(w, r, status, "audits_recommendation", page{Errors: d.Errors, Data: d})
	}
	if s.auditFormDone(w, r, own, err, show) {
		return
	}
	s.setFlash(w, "The party's response to "+rec.Ref()+" has been recorded.")
	http.Redirect(w, r, fmt.Sprintf("/staff/audits/recommendations/%d", rec.ID), http.StatusSeeOther)
}

// handleAuditProgressAdd adds a progress update with its evidence files
// (a multipart form, mounted with the upload body limit).
func (s *Server) handleAuditProgressAdd(w http.ResponseWriter, r *http.Request) {
	rec, a, ok := s.loadAuditRec(w, r)
	if !ok {
		return
	}
	// limitBody has parsed the form (spooling large files to disk, and
	// removing them when the request ends); its files are read here.
	form := auditProgressForm{Noted: readAuditDate(r, "noted_on"), Note: strings.TrimSpace(r.PostFormValue("note"))}
	var own dateErrors
	var noted *time.Time
	own.parse(form.Noted, "noted_on", "The date of the update", "", &noted)
	in := audits.ProgressInput{Note: form.Note}
	if noted != nil {
		in.NotedOn = *noted
	} else {
		now := time.Now().In(vocab.London)
		in.NotedOn = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	if r.MultipartForm != nil {
		// The service checks the files (how many, how large, what they
		// are); the upload's body limit bounds what is read here, and a
		// file is read no further than one byte past the limit, enough
		// for the service to say it is too large.
		for _, fh := range r.MultipartForm.File["evidence"] {
			f, err := fh.Open()
			if err != nil {
				s.Error(w, r, err)
				return
			}
			data, err := io.ReadAll(io.LimitReader(f, audits.MaxEvidenceBytes+1))
			f.Close()
			if err != nil {
				s.Error(w, r, err)
				return
			}
			in.Files = append(in.Files, audits.Upload{Name: filepath.Base(fh.Filename), Data: data})
		}
	}
	_, err := s.audits.AddProgress(auditFormCtx(r, own), rec.ID, in)
	show := func(status int, errs []apperr.FieldError) {
		d := s.newRecView(rec, a)
		d.Progress, d.Errors = form, errs
		s.render(w, r, status, "audits_recommendation", page{Errors: d.Errors, Data: d})
	}
	if s.auditFormDone(w, r, own, err, show) {
		return
	}
	s.setFlash(w, "The progress update on "+rec.Ref()+" has been added.")
	http.Redirect(w, r, fmt.Sprintf("/staff/audits/recommendations/%d", rec.ID), http.StatusSeeOther)
}

// handleAuditEvidence sends an evidence file as a download only: the
// party chose its bytes, so the browser never renders it here.
func (s *Server) handleAuditEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := auditsPathID(r, "evidence file")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	e, err := s.audits.EvidenceFile(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Octet-stream whatever its content: a download, never a page a
	// browser might render.
	serveAttachment(w, e.Filename, "application/octet-stream", e.Data)
}
