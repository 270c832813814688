package web

import (
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
)

// registerElectionRoutes adds the election pages and API.
func (s *Server) registerElectionRoutes(api, st *mux.Router) {
	// Without the service (a test server for another feature) the pages
	// are left out rather than run on default settings: a default would
	// silently drop FOUR_EYES and the letter settings.
	if s.outreach == nil {
		return
	}
	api.Handle("/elections", s.allowFunc(adminAndPolTeam, s.handleAPICallElection)).Methods(http.MethodPost)
	api.Handle("/elections", s.allowFunc(anyStaff, s.handleAPIElections)).Methods(http.MethodGet)
	api.Handle("/elections/{id:[0-9]+}", s.allowFunc(anyStaff, s.handleElection)).Methods(http.MethodGet)
	api.Handle("/letters/{reference:.+}/bounce", s.allowFunc(adminAndPolTeam, s.handleAPIBounce)).Methods(http.MethodPost)

	st.Handle("/elections", s.allowFunc(anyStaff, s.handleElections)).Methods(http.MethodGet)
	st.Handle("/elections", s.allowFunc(adminAndPolTeam, s.handleCallElection)).Methods(http.MethodPost)
	st.Handle("/elections/{id:[0-9]+}", s.allowFunc(anyStaff, s.handleElection)).Methods(http.MethodGet)
	st.Handle("/elections/{id:[0-9]+}/batches/{batch:[0-9]+}/{action:release|cancel}", s.allowFunc(adminAndPolTeam, s.handleBatchAction)).Methods(http.MethodPost)
	st.Handle("/elections/{id:[0-9]+}/resend", s.allowFunc(adminAndPolTeam, s.handleResend)).Methods(http.MethodPost)
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(mux.Vars(r)[name], 10, 64)
	return id
}

func (s *Server) handleAPICallElection(w http.ResponseWriter, r *http.Request) {
	var body struct {
		outreach.CallInput
		AnnouncedOn   string `json:"announced_on"`
		PollingDay    string `json:"polling_day"`
		RegulatedFrom string `json:"regulated_from"`
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
	res, err := s.outreach.Call(r.Context(), in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

func (s *Server) handleAPIElections(w http.ResponseWriter, r *http.Request) {
	els, err := s.outreach.Elections(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"elections": els})
}

func (s *Server) handleAPIBounce(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.Error(w, r, apperr.Wrap(apperr.BadRequest, err, "Send JSON like {\"reason\": \"550 mailbox unknown\"}."))
		return
	}
	l, err := s.outreach.Bounce(r.Context(), mux.Vars(r)["reference"], body.Reason)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

type electionsPage struct {
	Elections []outreach.ElectionSummary
	Types     []outreach.ElectionType
	Nations   []string
	Form      map[string]string
	Templates []outreach.TemplateVersion
}

func (s *Server) renderElections(w http.ResponseWriter, r *http.Request, status int, form map[string]string, errs []apperr.FieldError) {
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
		form = map[string]string{"template": outreach.DefaultTemplate}
	}
	s.render(w, r, status, "elections_list", page{Errors: errs, Data: electionsPage{Elections: els, Types: outreach.ElectionTypes,
		Nations: vocab.NationCodes(), Form: form, Templates: tpls}})
}

func (s *Server) handleElections(w http.ResponseWriter, r *http.Request) {
	s.renderElections(w, r, http.StatusOK, nil, nil)
}

func (s *Server) handleCallElection(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	form := map[string]string{}
	for _, k := range []string{"name", "type", "announced_on", "polling_day", "template", "send_at", "hold", "fields"} {
		form[k] = strings.TrimSpace(f.Get(k))
	}
	in := outreach.CallInput{ElectionInput: outreach.ElectionInput{Name: form["name"], Type: form["type"], Nations: f["nations"]},
		Template: form["template"], Hold: form["hold"] == "yes", Fields: map[string]string{}}
	var errs []apperr.FieldError
	for _, d := range []struct {
		f   string
		dst **time.Time
	}{{"announced_on", &in.AnnouncedOn}, {"polling_day", &in.PollingDay}} {
		if form[d.f] == "" {
			continue
		}
		t, err := outreach.ParseDate(form[d.f])
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: d.f, Message: "Enter the date as YYYY-MM-DD, for example 2024-07-04"})
			continue
		}
		*d.dst = &t
	}
	if form["send_at"] != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", form["send_at"], vocab.London)
		if err != nil {
			errs = append(errs, apperr.FieldError{Field: "send_at", Message: "Enter the sending time as YYYY-MM-DDTHH:MM"})
		} else {
			in.SendAt = &t
		}
	}
	for _, line := range strings.Split(form["fields"], "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			in.Fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	if len(errs) > 0 {
		s.renderElections(w, r, http.StatusUnprocessableEntity, form, errs)
		return
	}
	res, err := s.outreach.Call(r.Context(), in)
	if apperr.CodeOf(err) == apperr.Invalid {
		s.renderElections(w, r, http.StatusUnprocessableEntity, form, apperr.FieldsOf(err))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("Election called: %d letters created (%s).", res.Letters, res.BatchState))
	http.Redirect(w, r, fmt.Sprintf("/staff/elections/%d", res.ElectionID), http.StatusSeeOther)
}

// handleElection shows one election's progress: the staff page (which
// refreshes itself while letters are in flight), or the API's JSON
// (isAPI).
func (s *Server) handleElection(w http.ResponseWriter, r *http.Request) {
	st, err := s.outreach.Status(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, st)
		return
	}
	if st.InFlight() {
		w.Header().Set("Refresh", "5")
	}
	s.render(w, r, http.StatusOK, "elections_detail", page{Data: map[string]any{
		"S": st, "States": outreach.States, "PhaseName": outreach.PhaseNames[st.Phase], "FourEyes": s.outreach.Settings().FourEyes}})
}

func (s *Server) handleBatchAction(w http.ResponseWriter, r *http.Request) {
	id, batch := pathID(r, "id"), pathID(r, "batch")
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
	http.Redirect(w, r, fmt.Sprintf("/staff/elections/%d", id), http.StatusSeeOther)
}

func (s *Server) handleResend(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	// ResendFailed reads 0 as "every election"; a page about one election
	// must never reach that.
	if id <= 0 {
		s.Error(w, r, apperr.New(apperr.NotFound, "There is no such election."))
		return
	}
	letter, _ := strconv.ParseInt(r.PostFormValue("letter_id"), 10, 64)
	n, err := s.outreach.ResendFailed(r.Context(), id, letter)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, fmt.Sprintf("%d failed letters queued again.", n))
	http.Redirect(w, r, fmt.Sprintf("/staff/elections/%d", id), http.StatusSeeOther)
}
