package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

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
	api.Handle("/elections/call", s.allowFunc(adminAndPolTeam, s.handleAPICallElection)).Methods(http.MethodPost)
	api.Handle("/elections", s.allowFunc(anyStaff, s.handleAPIElections)).Methods(http.MethodGet)
	api.Handle("/elections/{id:[0-9]+}", s.allowFunc(anyStaff, s.handleElection)).Methods(http.MethodGet)
	api.Handle("/letters/{reference:.+}/bounce", s.allowFunc(adminAndPolTeam, s.handleAPIBounce)).Methods(http.MethodPost)

	st.Handle("/elections", s.allowFunc(anyStaff, s.handleElections)).Methods(http.MethodGet)
	// Calling an election takes three steps: the form posts to
	// /elections, which answers with the preview; the preview's button
	// posts to /elections/confirm, which creates and redirects to the
	// confirmation page.
	st.Handle("/elections", s.allowFunc(adminAndPolTeam, s.handleCallElection)).Methods(http.MethodPost)
	st.Handle("/elections/confirm", s.allowFunc(adminAndPolTeam, s.handleConfirmCall)).Methods(http.MethodPost)
	st.Handle("/elections/sample.pdf", s.allowFunc(adminAndPolTeam, s.handleCallSamplePDF)).Methods(http.MethodPost)
	st.Handle("/elections/{id:[0-9]+}/called/{batch:[0-9]+}", s.allowFunc(anyStaff, s.handleCalled)).Methods(http.MethodGet)
	st.Handle("/elections/{id:[0-9]+}", s.allowFunc(anyStaff, s.handleElection)).Methods(http.MethodGet)
	st.Handle("/elections/{id:[0-9]+}/batches/{batch:[0-9]+}/{action:release|cancel}", s.allowFunc(adminAndPolTeam, s.handleBatchAction)).Methods(http.MethodPost)
	st.Handle("/elections/{id:[0-9]+}/resend", s.allowFunc(adminAndPolTeam, s.handleResend)).Methods(http.MethodPost)
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(mux.Vars(r)[name], 10, 64)
	return id
}

func (s *Server) handleAPIElections(w http.ResponseWriter, r *http.Request) {
	els, err := s.outreach.Elections(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"elections": withLabelsList(els, addElectionLabels)})
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
	writeJSON(w, http.StatusOK, letterJSON(l))
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
		writeJSON(w, http.StatusOK, electionStatusJSON(st))
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
