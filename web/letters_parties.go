package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
)

// registerPartyLetterRoutes adds "Write to parties": any letter to one
// party or a chosen set, outside an election call, previewed and then
// confirmed as an election call is; and its API twin.
func (s *Server) registerPartyLetterRoutes(api, st *mux.Router) {
	if s.outreach == nil || s.parties == nil {
		return
	}
	api.Handle("/letters", s.allowFunc(adminAndPolTeam, s.handleAPISendLetters)).Methods(http.MethodPost)
	st.Handle("/letters/new", s.allowFunc(adminAndPolTeam, s.handleLettersNew)).Methods(http.MethodGet)
	st.Handle("/letters/new", s.allowFunc(adminAndPolTeam, s.handleLettersPreview)).Methods(http.MethodPost)
	st.Handle("/letters/confirm", s.allowFunc(adminAndPolTeam, s.handleLettersConfirm)).Methods(http.MethodPost)
	st.Handle("/letters/sample.pdf", s.allowFunc(adminAndPolTeam, s.handleLettersSamplePDF)).Methods(http.MethodPost)
	st.Handle("/letters/batches/{batch:[0-9]+}", s.allowFunc(anyStaff, s.handleLetterBatch)).Methods(http.MethodGet)
	st.Handle("/letters/batches/{batch:[0-9]+}/{action:release|cancel}", s.allowFunc(adminAndPolTeam, s.handleLetterBatchAction)).Methods(http.MethodPost)
}

// lettersForm is the "Write to parties" form's answers.
type lettersForm struct {
	Template   string
	PartyIDs   []string
	ElectionID string
	Fields     string
	FieldsCY   string
	Hold       bool
}

func readLettersForm(r *http.Request) lettersForm {
	f := r.PostForm
	return lettersForm{Template: strings.TrimSpace(f.Get("template")), PartyIDs: f["party_ids"],
		ElectionID: strings.TrimSpace(f.Get("election_id")), Fields: f.Get("fields"), FieldsCY: f.Get("fields_cy"), Hold: f.Get("hold") == "yes"}
}

// Chosen reports whether the form ticked party id.
func (f lettersForm) Chosen(id int64) bool {
	for _, v := range f.PartyIDs {
		if v == strconv.FormatInt(id, 10) {
			return true
		}
	}
	return false
}

// Hidden is the form as hidden inputs.
func (f lettersForm) Hidden() [][2]string {
	out := [][2]string{{"template", f.Template}, {"election_id", f.ElectionID}, {"fields", f.Fields}, {"fields_cy", f.FieldsCY}}
	for _, id := range f.PartyIDs {
		out = append(out, [2]string{"party_ids", id})
	}
	if f.Hold {
		out = append(out, [2]string{"hold", "yes"})
	}
	return out
}

func (f lettersForm) input() (outreach.LettersInput, []apperr.FieldError) {
	in := outreach.LettersInput{Template: f.Template, Hold: f.Hold}
	var errs []apperr.FieldError
	for _, v := range f.PartyIDs {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: "party_ids", Message: "Choose parties from the list"})
			continue
		}
		in.PartyIDs = append(in.PartyIDs, id)
	}
	if f.ElectionID != "" {
		id, err := strconv.ParseInt(f.ElectionID, 10, 64)
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: "election_id", Message: "Choose an election from the list"})
		}
		in.ElectionID = id
	}
	var ferrs []apperr.FieldError
	in.Fields, ferrs = fieldLines(f.Fields, "fields")
	errs = append(errs, ferrs...)
	in.FieldsCY, ferrs = fieldLines(f.FieldsCY, "fields_cy")
	errs = append(errs, ferrs...)
	return in, errs
}

type lettersPage struct {
	Form      lettersForm
	Templates []outreach.TemplateVersion
	Parties   []parties.Party
	Elections []outreach.ElectionSummary
	Errors    fieldErrors
}

func (s *Server) renderLettersForm(w http.ResponseWriter, r *http.Request, status int, f lettersForm, errs []apperr.FieldError) {
	tpls, err := s.outreach.Templates(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	active := true
	ps, err := s.parties.List(r.Context(), parties.Filter{Active: &active})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	els, err := s.outreach.Elections(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	errs = formErrors(errs)
	for i := range errs {
		if errs[i].Field == "nations" {
			errs[i].Field = "party_ids"
		}
	}
	s.render(w, r, status, "letters_new", page{Errors: errs, Data: lettersPage{Form: f, Templates: tpls, Parties: ps, Elections: els, Errors: errs}})
}

func (s *Server) handleLettersNew(w http.ResponseWriter, r *http.Request) {
	f := lettersForm{}
	if id := r.URL.Query().Get("party"); id != "" {
		f.PartyIDs = []string{id}
	}
	s.renderLettersForm(w, r, http.StatusOK, f, nil)
}

func (s *Server) lettersPreviewPage(f lettersForm, pv *outreach.Preview) previewPage {
	return previewPage{P: pv, Title: "Check the letters before sending", Confirm: "/staff/letters/confirm",
		Change: "/staff/letters/new", Sample: "/staff/letters/sample.pdf", Hidden: f.Hidden()}
}

func (s *Server) handleLettersPreview(w http.ResponseWriter, r *http.Request) {
	f := readLettersForm(r)
	if r.PostForm.Get("action") == "change" {
		s.renderLettersForm(w, r, http.StatusOK, f, nil)
		return
	}
	in, errs := f.input()
	pv, err := s.outreach.PreviewLetters(r.Context(), in)
	if err != nil && apperr.CodeOf(err) != apperr.Invalid {
		s.Error(w, r, err)
		return
	}
	// Every problem at once: the form's own and the service's, except
	// where the service only repeats a field the form already faulted.
	errs = withServiceErrors(errs, apperr.FieldsOf(err))
	if len(errs) > 0 {
		s.renderLettersForm(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	s.render(w, r, http.StatusOK, "letters_preview", page{Data: s.lettersPreviewPage(f, pv)})
}

func (s *Server) handleLettersConfirm(w http.ResponseWriter, r *http.Request) {
	f := readLettersForm(r)
	in, errs := f.input()
	if len(errs) > 0 {
		s.renderLettersForm(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	in.Confirm = r.PostForm.Get("confirmation")
	res, err := s.outreach.SendLetters(r.Context(), in)
	switch apperr.CodeOf(err) {
	case apperr.Conflict, apperr.Invalid:
		pv, perr := s.outreach.PreviewLetters(r.Context(), in)
		if perr != nil {
			s.renderLettersForm(w, r, http.StatusUnprocessableEntity, f, apperr.FieldsOf(perr))
			return
		}
		s.render(w, r, http.StatusConflict, "letters_preview", page{Errors: []apperr.FieldError{{Field: "confirm", Message: apperr.MessageOf(err)}},
			Data: s.lettersPreviewPage(f, pv)})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("%d letters created in batch %d.", res.Letters, res.BatchID))
	http.Redirect(w, r, fmt.Sprintf("/staff/letters/batches/%d", res.BatchID), http.StatusSeeOther)
}

func (s *Server) handleLettersSamplePDF(w http.ResponseWriter, r *http.Request) {
	in, errs := readLettersForm(r).input()
	if len(errs) > 0 {
		s.Error(w, r, apperr.Fields(errs...))
		return
	}
	pv, err := s.outreach.PreviewLetters(r.Context(), in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeSamplePDF(w, r, s, pv)
}

func (s *Server) handleLetterBatch(w http.ResponseWriter, r *http.Request) {
	b, err := s.outreach.BatchLetters(r.Context(), pathID(r, "batch"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "letters_batch", page{Data: map[string]any{"B": b, "FourEyes": s.outreach.Settings().FourEyes}})
}

func (s *Server) handleLetterBatchAction(w http.ResponseWriter, r *http.Request) {
	batch := pathID(r, "batch")
	var n int
	var err error
	msg := ""
	if mux.Vars(r)["action"] == "release" {
		n, err = s.outreach.ReleaseBatch(r.Context(), batch)
		msg = fmt.Sprintf("Batch released: %d letters will be sent.", n)
	} else {
		n, err = s.outreach.CancelBatch(r.Context(), batch)
		msg = fmt.Sprintf("Batch cancelled: %d letters will not be sent.", n)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, fmt.Sprintf("/staff/letters/batches/%d", batch), http.StatusSeeOther)
}

// handleAPISendLetters is the API's letters to chosen parties, in two
// steps as the election call: "dry_run": true answers the preview and its
// "confirmation"; "dry_run": false with that confirmation creates them.
func (s *Server) handleAPISendLetters(w http.ResponseWriter, r *http.Request) {
	var body struct {
		outreach.LettersInput
		SendAt *string `json:"send_at"`
		DryRun bool    `json:"dry_run"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		s.Error(w, r, apperr.Wrap(apperr.BadRequest, err, "The request body is not valid JSON for letters to parties: %s", err.Error()))
		return
	}
	in := body.LettersInput
	if body.SendAt != nil && *body.SendAt != "" {
		t, err := time.Parse(time.RFC3339, *body.SendAt)
		if err != nil {
			s.Error(w, r, apperr.Fields(apperr.FieldError{Field: "send_at", Message: "Give the sending time as RFC 3339, for example 2029-05-01T09:00:00+01:00"}))
			return
		}
		in.SendAt = &t
	}
	apiTwoStep(s, w, r, body.DryRun, in.Confirm,
		func(ctx context.Context) (any, error) { return s.outreach.PreviewLetters(ctx, in) },
		func(ctx context.Context) (any, error) { return s.outreach.SendLetters(ctx, in) })
}

// PollingDay is an election's polling day in words, for the form's list.
func (lettersPage) PollingDay(e outreach.ElectionSummary) string {
	return vocab.FormatDate(e.PollingDay, "en")
}
