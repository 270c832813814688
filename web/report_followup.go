package web

import (
	"fmt"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/reports"
)

// registerElectionReportRoutes adds the election overview report, each party's
// follow-up report (HTML and PDF) and drafting follow-up letters on
// demand. It is called from registerReportRoutes.
func (s *Server) registerElectionReportRoutes(st *mux.Router) {
	const el = "/reports/elections/{id:[0-9]+}"
	st.Handle(el, s.allowFunc(reportViewers, s.handleElectionReport)).Methods(http.MethodGet)
	st.Handle(el+"/parties/{pid:[0-9]+}", s.allowFunc(reportViewers, s.handlePartyReport)).Methods(http.MethodGet)
	st.Handle(el+"/parties/{pid:[0-9]+}.pdf", s.allowFunc(reportViewers, s.handlePartyReportPDF)).Methods(http.MethodGet)
	st.Handle(el+"/follow-up", s.allowFunc(adminAndPolTeam, s.handleDraftFollowUp)).Methods(http.MethodPost)
}

func (s *Server) handleElectionReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.reportStore().ElectionReport(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "reports_election", page{Data: map[string]any{
		"R": rep, "Channels": vocab.ChannelCodes(), "ChannelNames": vocab.ChannelLabels(vocab.English), "NoParty": reports.NoParty,
		"CanDraft": userFrom(r.Context()).Can(adminAndPolTeam...) && s.outreach != nil,
	}})
}

func (s *Server) partyReport(w http.ResponseWriter, r *http.Request) (*reports.PartyReport, bool) {
	rep, err := s.reportStore().PartyReport(r.Context(), pathID(r, "id"), pathID(r, "pid"))
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return rep, true
}

func (s *Server) handlePartyReport(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.partyReport(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "reports_party", page{Data: map[string]any{"R": rep, "ChannelNames": vocab.ChannelLabels(vocab.English)}})
}

// handlePartyReportPDF serves the report as the PDF the follow-up letter
// attaches. Downloads are audited, as exports are.
func (s *Server) handlePartyReportPDF(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.partyReport(w, r)
	if !ok {
		return
	}
	pdf, err := rep.PDF()
	if err == nil {
		err = pgx.BeginFunc(r.Context(), s.pool, func(tx pgx.Tx) error {
			return audit.Record(r.Context(), tx, "report.follow_up.download", "election", fmt.Sprint(rep.Election.ID),
				audit.Change{After: map[string]any{"party_id": rep.Party.ID, "complaints": rep.Total}})
		})
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", rep.PDFFilename()))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

// handleDraftFollowUp drafts the election's follow-up letters now, as a
// held batch, and sends the user to the election page to review them.
func (s *Server) handleDraftFollowUp(w http.ResponseWriter, r *http.Request) {
	if s.outreach == nil || s.followUps == nil {
		s.Error(w, r, apperr.New(apperr.NotFound, "Letters are not available on this server."))
		return
	}
	id := pathID(r, "id")
	res, err := s.followUps.Draft(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	msg := fmt.Sprintf("Follow-up letters drafted: %d letters to %d parties, held in batch %d for review.", res.Letters, len(res.Parties), res.BatchID)
	if len(res.NoContact) > 0 {
		msg += fmt.Sprintf(" %d parties with complaints have no usable contact and got no letter.", len(res.NoContact))
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, fmt.Sprintf("/staff/elections/%d", id), http.StatusSeeOther)
}
