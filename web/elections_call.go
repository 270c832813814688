package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// dateParts is a date as the GOV.UK date pattern asks for it: day, month
// and year in three boxes.
type dateParts struct{ Day, Month, Year string }

// parse reads the three boxes. An empty date is (nil, ""); otherwise a
// problem is a message beginning with label, as the GOV.UK pattern words
// them ("Polling day must include a month").
func (d dateParts) parse(label string) (*time.Time, string) {
	d.Day, d.Month, d.Year = strings.TrimSpace(d.Day), strings.TrimSpace(d.Month), strings.TrimSpace(d.Year)
	if d.Day == "" && d.Month == "" && d.Year == "" {
		return nil, ""
	}
	var missing []string
	for _, p := range []struct{ v, name string }{{d.Day, "a day"}, {d.Month, "a month"}, {d.Year, "a year"}} {
		if p.v == "" {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return nil, label + " must include " + strings.Join(missing, " and ")
	}
	day, err1 := strconv.Atoi(d.Day)
	month, err2 := strconv.Atoi(d.Month)
	year, err3 := strconv.Atoi(d.Year)
	if err1 != nil || err2 != nil || err3 != nil || len(d.Year) != 4 {
		return nil, label + " must be a real date, with a four-digit year, for example 7 5 2029"
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month {
		return nil, label + " must be a real date"
	}
	return &t, ""
}

// callForm is the election call form's answers, carried from the form to
// the preview and from the preview to the confirmation as they were
// typed.
type callForm struct {
	Name       string
	NameCY     string
	Type       string
	Nations    []string
	Announced  dateParts
	Polling    dateParts
	Regulated  dateParts
	Template   string
	Fields     string
	FieldsCY   string
	SendAt     string
	Hold       bool
	RecordOnly bool
}

// dateFields are the form's dates: the field name (also the day box's
// id, which the error summary links to) and its label.
var dateFields = []struct{ Field, Label string }{
	{"announced_on", "The day it was announced"},
	{"polling_day", "Polling day"},
	{"regulated_from", "The start of the regulated period"},
}

func readCallForm(r *http.Request) callForm {
	f := r.PostForm
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	parts := func(k string) dateParts {
		return dateParts{Day: get(k + "-day"), Month: get(k + "-month"), Year: get(k + "-year")}
	}
	return callForm{Name: get("name"), NameCY: get("name_cy"), FieldsCY: f.Get("fields_cy"), Type: get("type"), Nations: f["nations"], Announced: parts("announced_on"),
		Polling: parts("polling_day"), Regulated: parts("regulated_from"), Template: get("template"), Fields: f.Get("fields"),
		SendAt: get("send_at"), Hold: get("hold") == "yes", RecordOnly: get("record_only") == "yes"}
}

// Date returns the parts of the date field, for the form's boxes.
func (f callForm) Date(field string) dateParts {
	switch field {
	case "announced_on":
		return f.Announced
	case "regulated_from":
		return f.Regulated
	}
	return f.Polling
}

// HasNation reports whether the form ticked nation n.
func (f callForm) HasNation(n string) bool {
	for _, v := range f.Nations {
		if v == n {
			return true
		}
	}
	return false
}

// Hidden is the form as hidden inputs, name and value, for the preview's
// buttons to post again.
func (f callForm) Hidden() [][2]string {
	out := [][2]string{{"name", f.Name}, {"name_cy", f.NameCY}, {"type", f.Type}, {"template", f.Template}, {"fields", f.Fields},
		{"fields_cy", f.FieldsCY}, {"send_at", f.SendAt}}
	for _, n := range f.Nations {
		out = append(out, [2]string{"nations", n})
	}
	for _, d := range []struct {
		k string
		p dateParts
	}{{"announced_on", f.Announced}, {"polling_day", f.Polling}, {"regulated_from", f.Regulated}} {
		out = append(out, [2]string{d.k + "-day", d.p.Day}, [2]string{d.k + "-month", d.p.Month}, [2]string{d.k + "-year", d.p.Year})
	}
	if f.Hold {
		out = append(out, [2]string{"hold", "yes"})
	}
	if f.RecordOnly {
		out = append(out, [2]string{"record_only", "yes"})
	}
	return out
}

// input converts the form, reporting every problem with its own fields.
func (f callForm) input() (outreach.CallInput, []apperr.FieldError) {
	in := outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: f.Name, NameCY: f.NameCY, Type: f.Type, Nations: f.Nations},
		Template: f.Template, Hold: f.Hold, RecordOnly: f.RecordOnly}
	var errs []apperr.FieldError
	dsts := map[string]**time.Time{"announced_on": &in.AnnouncedOn, "polling_day": &in.PollingDay, "regulated_from": &in.RegulatedFrom}
	for _, d := range dateFields {
		t, msg := f.Date(d.Field).parse(d.Label)
		if msg != "" {
			errs = append(errs, apperr.FieldError{Field: d.Field, Message: msg})
			continue
		}
		*dsts[d.Field] = t
	}
	if f.SendAt != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", f.SendAt, vocab.London)
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: "send_at", Message: "Enter the sending time as YYYY-MM-DDTHH:MM, for example 2029-05-01T09:00"})
		} else {
			in.SendAt = &t
		}
	}
	var ferrs []apperr.FieldError
	in.Fields, ferrs = fieldLines(f.Fields, "fields")
	errs = append(errs, ferrs...)
	in.FieldsCY, ferrs = fieldLines(f.FieldsCY, "fields_cy")
	errs = append(errs, ferrs...)
	return in, errs
}

// fieldLines reads a textarea of template fields, one Name=value a line,
// reporting a line without "=" on field.
func fieldLines(text, field string) (map[string]string, []apperr.FieldError) {
	out := map[string]string{}
	var errs []apperr.FieldError
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			errs = append(errs, apperr.FieldError{Field: field, Message: fmt.Sprintf("Write each template field as Name=value (%q has no =)", strings.TrimSpace(line))})
			continue
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, errs
}

// withServiceErrors is a form's own field errors followed by the service's
// (more), leaving out those of a field the form already has one for: the
// service would only repeat, less precisely, that a value it could not
// be given is missing.
func withServiceErrors(own, more []apperr.FieldError) []apperr.FieldError {
	for _, fe := range more {
		dup := false
		for _, e := range own {
			dup = dup || e.Field == fe.Field
		}
		if !dup {
			own = append(own, fe)
		}
	}
	return own
}

// formErrors keeps the field errors a form shows and sends those of
// fields the form does not have (fields.X, contacts) to the field
// nearest them, so each is shown beside something.
func formErrors(errs []apperr.FieldError) []apperr.FieldError {
	out := make([]apperr.FieldError, 0, len(errs))
	for _, e := range errs {
		switch {
		case strings.HasPrefix(e.Field, "fields_cy"):
			e.Field = "fields_cy"
		case strings.HasPrefix(e.Field, "fields"):
			e.Field = "fields"
		case e.Field == "contacts":
			e.Field = "nations"
		}
		out = append(out, e)
	}
	return out
}

type electionsPage struct {
	Elections  []outreach.ElectionSummary
	Types      []outreach.ElectionType
	Nations    []string
	Form       callForm
	Templates  []outreach.TemplateVersion
	DateFields []struct{ Field, Label string }
	Errors     fieldErrors
}

// NationLabel is a nation code in words.
func (electionsPage) NationLabel(code string) string { return vocab.NationLabel(code) }

func (s *Server) renderElections(w http.ResponseWriter, r *http.Request, status int, form *callForm, errs []apperr.FieldError) {
	els, err := s.outreach.Elections(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	tpls, err := s.outreach.Templates(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if form == nil {
		form = &callForm{Template: outreach.DefaultTemplate}
	}
	errs = formErrors(errs)
	s.render(w, r, status, "elections_list", page{Errors: errs, Data: electionsPage{Elections: els, Types: outreach.ElectionTypes,
		Nations: vocab.NationCodes(), Form: *form, Templates: tpls, DateFields: dateFields, Errors: errs}})
}

func (s *Server) handleElections(w http.ResponseWriter, r *http.Request) {
	s.renderElections(w, r, http.StatusOK, nil, nil)
}

// previewPage is the check-answers page of an election call or of
// letters to chosen parties.
type previewPage struct {
	P *outreach.Preview
	// Title and Back name the page and where "Change" goes.
	Title   string
	Confirm string // the confirmation button's action
	Change  string // the change button's action
	Sample  string // the sample PDF's action
	Hidden  [][2]string
	// Dates are the election's dates in words, for the summary.
	Announced, Polling, Regulated string
}

// Button is the confirmation button's words.
func (p previewPage) Button() string {
	switch {
	case p.P.RecordOnly:
		return "Record the election"
	case p.P.Letters == 1:
		return "Send 1 letter"
	}
	return fmt.Sprintf("Send %d letters", p.P.Letters)
}

func (s *Server) callPreviewPage(f callForm, pv *outreach.Preview) previewPage {
	pg := previewPage{P: pv, Title: "Check the election call before sending", Confirm: "/staff/elections/confirm",
		Change: "/staff/elections", Sample: "/staff/elections/sample.pdf", Hidden: f.Hidden()}
	if e := pv.Election; e != nil {
		pg.Announced, pg.Polling = vocab.FormatDate(e.AnnouncedOn, "en"), vocab.FormatDay(e.PollingDay, "en")
		if e.RegulatedFrom != nil {
			pg.Regulated = vocab.FormatDate(*e.RegulatedFrom, "en")
		}
	}
	if pv.RecordOnly {
		pg.Title = "Check the election before recording it"
	}
	return pg
}

// handleCallElection answers the call form: the form again with every
// problem beside its field, or the preview. With action=change (the
// preview's "Change" button) it shows the form filled in as it was.
func (s *Server) handleCallElection(w http.ResponseWriter, r *http.Request) {
	f := readCallForm(r)
	if r.PostForm.Get("action") == "change" {
		s.renderElections(w, r, http.StatusOK, &f, nil)
		return
	}
	in, errs := f.input()
	pv, err := s.outreach.PreviewCall(r.Context(), in)
	if err != nil && apperr.CodeOf(err) != apperr.Invalid {
		s.Error(w, r, err)
		return
	}
	// Every problem at once: the form's own (dates typed wrongly) and the
	// service's, except where the service only repeats that a date is
	// missing because the form could not read it.
	errs = withServiceErrors(errs, apperr.FieldsOf(err))
	if len(errs) > 0 {
		s.renderElections(w, r, http.StatusUnprocessableEntity, &f, errs)
		return
	}
	s.render(w, r, http.StatusOK, "letters_preview", page{Data: s.callPreviewPage(f, pv)})
}

// handleConfirmCall creates what the preview showed, or, when something
// changed since, shows the new preview with the reason.
func (s *Server) handleConfirmCall(w http.ResponseWriter, r *http.Request) {
	f := readCallForm(r)
	in, errs := f.input()
	if len(errs) > 0 {
		s.renderElections(w, r, http.StatusUnprocessableEntity, &f, errs)
		return
	}
	in.Confirm = r.PostForm.Get("confirmation")
	res, err := s.outreach.Call(r.Context(), in)
	switch apperr.CodeOf(err) {
	case apperr.Conflict, apperr.Invalid:
		pv, perr := s.outreach.PreviewCall(r.Context(), in)
		if perr != nil {
			s.renderElections(w, r, http.StatusUnprocessableEntity, &f, apperr.FieldsOf(perr))
			return
		}
		s.render(w, r, http.StatusConflict, "letters_preview", page{Errors: []apperr.FieldError{{Field: "confirm", Message: apperr.MessageOf(err)}},
			Data: s.callPreviewPage(f, pv)})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if res.RecordOnly {
		s.setFlash(w, "The election has been recorded. No letters were written.")
		http.Redirect(w, r, fmt.Sprintf("/staff/elections/%d", res.ElectionID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/elections/%d/called/%d", res.ElectionID, res.BatchID), http.StatusSeeOther)
}

// handleCallSamplePDF serves the preview's sample letter as a PDF,
// rendered again from the form's answers: nothing is stored.
func (s *Server) handleCallSamplePDF(w http.ResponseWriter, r *http.Request) {
	in, errs := readCallForm(r).input()
	if len(errs) > 0 {
		s.Error(w, r, apperr.Fields(errs...))
		return
	}
	pv, err := s.outreach.PreviewCall(r.Context(), in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeSamplePDF(w, r, s, pv)
}

func writeSamplePDF(w http.ResponseWriter, r *http.Request, s *Server, pv *outreach.Preview) {
	if pv.Sample == nil || len(pv.Sample.PDF) == 0 {
		s.Error(w, r, apperr.New(apperr.NotFound, "This preview has no letter to show."))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="sample-letter.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pv.Sample.PDF)
}

// handleCalled is the confirmation page after a call: the batch created
// and what happens to it next.
func (s *Server) handleCalled(w http.ResponseWriter, r *http.Request) {
	st, err := s.outreach.Status(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	batch := pathID(r, "batch")
	for _, b := range st.Batches {
		if b.ID == batch {
			s.render(w, r, http.StatusOK, "elections_called", page{Data: map[string]any{"S": st, "B": b,
				"FourEyes": s.outreach.Settings().FourEyes}})
			return
		}
	}
	s.Error(w, r, apperr.New(apperr.NotFound, "The election has no batch %d.", batch))
}

// handleAPICallElection is the API's election call, in two steps: with
// "dry_run": true it answers the preview (200) and its "confirmation"
// token; the same body with "dry_run": false and that "confirmation"
// creates the election and its letters (201).
func (s *Server) handleAPICallElection(w http.ResponseWriter, r *http.Request) {
	var body struct {
		outreach.CallInput
		AnnouncedOn   string `json:"announced_on"`
		PollingDay    string `json:"polling_day"`
		RegulatedFrom string `json:"regulated_from"`
		DryRun        bool   `json:"dry_run"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		s.Error(w, r, apperr.Wrap(apperr.BadRequest, err, "The request body is not valid JSON for an election call: %s", err.Error()))
		return
	}
	in := body.CallInput
	var errs []apperr.FieldError
	for _, d := range []struct {
		v, f string
		dst  **time.Time
	}{{body.AnnouncedOn, "announced_on", &in.AnnouncedOn}, {body.PollingDay, "polling_day", &in.PollingDay}, {body.RegulatedFrom, "regulated_from", &in.RegulatedFrom}} {
		if d.v == "" {
			continue
		}
		t, err := outreach.ParseDate(d.v)
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: d.f, Message: err.Error()})
			continue
		}
		*d.dst = &t
	}
	if len(errs) > 0 {
		s.Error(w, r, apperr.Fields(errs...))
		return
	}
	apiTwoStep(s, w, r, body.DryRun, in.Confirm,
		func(ctx context.Context) (any, error) { return s.outreach.PreviewCall(ctx, in) },
		func(ctx context.Context) (any, error) { return s.outreach.Call(ctx, in) })
}

// apiTwoStep answers the API's two-step send (an election call, letters
// to chosen parties): a dry run returns the preview; a send without the
// preview's confirmation token is refused, after the request's own
// problems, which need fixing whatever else is done; a confirmed send is
// made and answered 201.
func apiTwoStep(s *Server, w http.ResponseWriter, r *http.Request, dryRun bool, confirm string,
	preview, send func(context.Context) (any, error)) {
	if dryRun || strings.TrimSpace(confirm) == "" {
		pv, err := preview(r.Context())
		switch {
		case err != nil:
			s.Error(w, r, err)
		case dryRun:
			writeJSON(w, http.StatusOK, pv)
		default:
			s.Error(w, r, apperr.Fields(errAPIDryRunFirst))
		}
		return
	}
	res, err := send(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sendResultJSON(res))
}

// errAPIDryRunFirst is the API's refusal of a call or send without a
// preview's token.
var errAPIDryRunFirst = apperr.FieldError{Field: "confirmation", Message: `Nothing was sent. Send the same request with "dry_run": true first, ` +
	`check the preview, then send it again with "dry_run": false and the preview's "confirmation"`}
