package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	d := reports.DefaultReplyBy(time.Now())
	form := replyByForm{Day: strconv.Itoa(d.Day()), Month: strconv.Itoa(int(d.Month())), Year: strconv.Itoa(d.Year())}
	s.renderElectionReport(w, r, http.StatusOK, form, nil)
}

// replyByForm is the draft form's "Reply by" date as typed (GOV.UK date
// input: day, month and year boxes).
type replyByForm struct{ Day, Month, Year string }

// renderElectionReport shows the overview with the draft form, its date
// boxes filled with form and errs beside the field.
func (s *Server) renderElectionReport(w http.ResponseWriter, r *http.Request, status int, form replyByForm, errs fieldErrors) {
	rep, err := s.reportStore().ElectionReport(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, status, "reports_election", page{Errors: errs, Data: map[string]any{
		"R": rep, "Channels": vocab.ChannelCodes(), "ChannelNames": vocab.ChannelLabels(vocab.English), "NoParty": reports.NoParty,
		"CanDraft": userFrom(r.Context()).Can(adminAndPolTeam...) && s.outreach != nil,
		"ReplyBy":  form, "Errors": errs, "ReplyByDays": reports.ReplyByDays,
	}})
}

// parseReplyBy reads the draft form's reply date: every box filled, a
// real date, and after today (Europe/London). Each problem is a message
// for the field "reply_by".
func parseReplyBy(f replyByForm, today time.Time) (time.Time, fieldErrors) {
	bad := func(msg string) (time.Time, fieldErrors) {
		return time.Time{}, fieldErrors{{Field: "reply_by", Message: msg}}
	}
	var missing []string
	for _, p := range []struct{ name, v string }{{"day", f.Day}, {"month", f.Month}, {"year", f.Year}} {
		if strings.TrimSpace(p.v) == "" {
			missing = append(missing, p.name)
		}
	}
	switch len(missing) {
	case 3:
		return bad("Enter the date you want the parties to reply by")
	case 2:
		return bad("The reply date must include a " + missing[0] + " and a " + missing[1])
	case 1:
		return bad("The reply date must include a " + missing[0])
	}
	day, e1 := strconv.Atoi(strings.TrimSpace(f.Day))
	month, e2 := strconv.Atoi(strings.TrimSpace(f.Month))
	year, e3 := strconv.Atoi(strings.TrimSpace(f.Year))
	if e1 != nil || e2 != nil || e3 != nil || year < 1000 || year > 9999 {
		return bad("The reply date must be a real date, with the year in 4 digits, for example " + reports.DefaultReplyBy(today).Format("2 1 2006"))
	}
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if d.Day() != day || int(d.Month()) != month {
		return bad("The reply date must be a real date")
	}
	t := today.In(vocab.London)
	if !d.After(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)) {
		return bad("The reply date must be in the future")
	}
	return d, nil
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
	lang := documentLang(r, rep.Bilingual())
	s.render(w, r, http.StatusOK, "reports_party", page{Data: map[string]any{"R": rep, "Lang": lang, "W": reports.Words(lang), "AW": reports.AuditWords(lang)}})
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
				audit.Change{After: map[string]any{"party_id": rep.Party.ID, "complaints": rep.Total()}})
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
	form := replyByForm{Day: r.PostFormValue("reply_by-day"), Month: r.PostFormValue("reply_by-month"), Year: r.PostFormValue("reply_by-year")}
	replyBy, errs := parseReplyBy(form, time.Now())
	if errs != nil {
		s.renderElectionReport(w, r, http.StatusUnprocessableEntity, form, errs)
		return
	}
	res, err := s.followUps.Draft(r.Context(), id, replyBy)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	msg := fmt.Sprintf("Follow-up letters drafted: %d letters to %d parties, held in batch %d for review. The parties are asked to reply by %s.",
		res.Letters, len(res.Parties), res.BatchID, vocab.FormatDate(replyBy, vocab.English))
	if len(res.NoContact) > 0 {
		msg += fmt.Sprintf(" %d parties with complaints have no usable contact and got no letter.", len(res.NoContact))
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, fmt.Sprintf("/staff/elections/%d", id), http.StatusSeeOther)
}
