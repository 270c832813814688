package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// auditsHomeData is the audit programme's front page: the programmes,
// the audits matching the filter, and the overdue recommendations.
type auditsHomeData struct {
	L          auditLabels
	Programmes []audits.Programme
	Audits     []audits.Audit
	Overdue    []audits.OverdueItem
	Parties    []parties.Party
	States     []labelled
	// The filter as chosen (ids as typed, so a bad one comes back).
	Programme, Party, State string
	Filtered                bool
}

func (s *Server) handleAuditsHome(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := auditsHomeData{States: auditOptions(audits.States), Programme: q.Get("programme"), Party: q.Get("party"), State: q.Get("state")}
	var f audits.AuditFilter
	var errs []apperr.FieldError
	if d.Programme != "" {
		id, err := strconv.ParseInt(d.Programme, 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, apperr.FieldError{Field: "programme", Message: "Select a programme from the list"})
		}
		f.ProgrammeID = id
	}
	if d.Party != "" {
		id, err := strconv.ParseInt(d.Party, 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, apperr.FieldError{Field: "party", Message: "Select a party from the list"})
		}
		f.PartyID = id
	}
	if d.State != "" {
		if !audits.States.Has(d.State) {
			errs = append(errs, apperr.FieldError{Field: "state", Message: "Select a state from the list"})
		}
		f.State = d.State
	}
	d.Filtered = f != (audits.AuditFilter{})
	ctx := r.Context()
	var err error
	if d.Programmes, err = s.audits.Programmes(ctx); err != nil {
		s.Error(w, r, err)
		return
	}
	if d.Parties, err = s.partyChoices(r); err != nil {
		s.Error(w, r, err)
		return
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "audits_list", page{Errors: errs, Data: d})
		return
	}
	if d.Audits, err = s.audits.Audits(ctx, f); err != nil {
		s.Error(w, r, err)
		return
	}
	if d.Overdue, err = s.audits.Overdue(ctx, time.Now().In(vocab.London)); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_list", page{Data: d})
}

// auditProgrammeForm is the programme form's data, as typed.
type auditProgrammeForm struct {
	ID                                       int64
	Version                                  int
	Name, NameCY, Description                string
	SummaryTitle, SummaryTitleCY, SummaryURL string
	Published                                dateParts
	FindingEN, FindingCY                     map[string]string
	Errors                                   fieldErrors
}

// Fields are the form's text questions, in order.
func (f auditProgrammeForm) Fields() []auditField {
	mk := func(id, label, hint, value string, area, welsh bool) auditField {
		return auditField{ID: id, Label: label, Hint: hint, Value: value, Error: f.Errors.For(id), Area: area, Welsh: welsh}
	}
	return []auditField{
		mk("name", "Name", "For example, 2019 audits of political parties.", f.Name, false, false),
		mk("name_cy", "Name in Welsh (optional)", "Letters to parties with Welsh readers use it.", f.NameCY, false, true),
		mk("description", "Description (optional)", "What the programme covers and why, for staff.", f.Description, true, false),
		mk("summary_title", "Title of the published summary report (optional)", "The follow-up letters name it.", f.SummaryTitle, false, false),
		mk("summary_title_cy", "Title of the published summary report in Welsh (optional)", "", f.SummaryTitleCY, false, true),
		mk("summary_url", "Web address of the published summary report (optional)", "A full address starting https://", f.SummaryURL, false, false),
	}
}

// PublishedDate is the publication date question.
func (f auditProgrammeForm) PublishedDate() auditDate {
	return auditDate{Field: "published_on", Label: "When the summary report was published (optional)", Hint: "For example, 5 11 2020",
		Error: f.Errors.For("published_on"), Parts: f.Published}
}

// Findings are the key finding questions, two per area.
func (f auditProgrammeForm) Findings() []auditFindingField {
	var out []auditFindingField
	for _, a := range audits.Areas {
		label := a.Label.In("en")
		out = append(out, auditFindingField{Label: label,
			EN: auditField{ID: "finding-" + a.Code, Label: "Key finding", Value: f.FindingEN[a.Code], Error: f.Errors.For("finding-" + a.Code), Area: true},
			CY: auditField{ID: "finding_cy-" + a.Code, Label: "Key finding in Welsh", Value: f.FindingCY[a.Code], Error: f.Errors.For("finding_cy-" + a.Code), Area: true, Welsh: true}})
	}
	return out
}

// auditFindingField is one area's key finding, in English and Welsh.
type auditFindingField struct {
	Label  string
	EN, CY auditField
}

func programmeFormOf(p *audits.Programme) auditProgrammeForm {
	f := auditProgrammeForm{ID: p.ID, Version: p.Version, Name: p.Name, NameCY: p.NameCY, Description: p.Description,
		SummaryTitle: p.SummaryTitle, SummaryTitleCY: p.SummaryTitleCY, SummaryURL: p.SummaryURL, Published: partsOf(p.PublishedOn),
		FindingEN: map[string]string{}, FindingCY: map[string]string{}}
	for _, af := range p.Findings {
		f.FindingEN[af.Area], f.FindingCY[af.Area] = af.Finding, af.FindingCY
	}
	return f
}

// readProgrammeForm reads the posted form, and the input it makes with
// the form's own problems.
func readProgrammeForm(r *http.Request) (auditProgrammeForm, audits.ProgrammeInput, []apperr.FieldError) {
	get := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := auditProgrammeForm{Name: get("name"), NameCY: get("name_cy"), Description: get("description"), SummaryTitle: get("summary_title"),
		SummaryTitleCY: get("summary_title_cy"), SummaryURL: get("summary_url"), Published: readAuditDate(r, "published_on"),
		FindingEN: map[string]string{}, FindingCY: map[string]string{}}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	in := audits.ProgrammeInput{Name: f.Name, NameCY: f.NameCY, Description: f.Description, SummaryTitle: f.SummaryTitle,
		SummaryTitleCY: f.SummaryTitleCY, SummaryURL: f.SummaryURL, Version: f.Version}
	// The service checks the answers; only a date that cannot be read is
	// the form's own problem.
	var errs dateErrors
	errs.parse(f.Published, "published_on", "The publication date", "", &in.PublishedOn)
	for _, a := range audits.Areas {
		en, cy := get("finding-"+a.Code), get("finding_cy-"+a.Code)
		f.FindingEN[a.Code], f.FindingCY[a.Code] = en, cy
		if en != "" || cy != "" {
			in.Findings = append(in.Findings, audits.AreaFinding{Area: a.Code, Finding: en, FindingCY: cy})
		}
	}
	return f, in, errs
}

func (s *Server) handleAuditProgrammeNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "audits_programme_form", page{Data: auditProgrammeForm{}})
}

func (s *Server) handleAuditProgrammeCreate(w http.ResponseWriter, r *http.Request) {
	s.saveAuditProgramme(w, r, 0)
}

func (s *Server) handleAuditProgrammeEdit(w http.ResponseWriter, r *http.Request) {
	id, err := auditsPathID(r, "programme")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.audits.Programme(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_programme_form", page{Data: programmeFormOf(p)})
}

func (s *Server) handleAuditProgrammeUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := auditsPathID(r, "programme")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.saveAuditProgramme(w, r, id)
}

// saveAuditProgramme creates (id 0) or changes a programme from the
// posted form, showing every problem at once.
func (s *Server) saveAuditProgramme(w http.ResponseWriter, r *http.Request, id int64) {
	f, in, own := readProgrammeForm(r)
	f.ID = id
	fail := func(status int, errs []apperr.FieldError) {
		f.Errors = errs
		s.render(w, r, status, "audits_programme_form", page{Errors: errs, Data: f})
	}
	var p *audits.Programme
	var err error
	if ctx := auditFormCtx(r, own); id == 0 {
		p, err = s.audits.CreateProgramme(ctx, in)
	} else {
		p, err = s.audits.UpdateProgramme(ctx, id, in)
	}
	if s.auditFormDone(w, r, own, err, fail) {
		return
	}
	if id == 0 {
		s.setFlash(w, "The programme has been created.")
	} else {
		s.setFlash(w, "The programme's details have been saved.")
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/audits/programmes/%d", p.ID), http.StatusSeeOther)
}

// auditProgrammeData is a programme's page.
type auditProgrammeData struct {
	L      auditLabels
	P      *audits.Programme
	Audits []audits.Audit
}

func (s *Server) handleAuditProgramme(w http.ResponseWriter, r *http.Request) {
	id, err := auditsPathID(r, "programme")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	d := auditProgrammeData{}
	if d.P, err = s.audits.Programme(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	if d.Audits, err = s.audits.Audits(r.Context(), audits.AuditFilter{ProgrammeID: id}); err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audits_programme", page{Data: d})
}
