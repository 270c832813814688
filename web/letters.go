package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/outreach"
)

// registerLetterRoutes adds the letters' pages and the letter-template
// editor. Both need the outreach service; without it they are left out,
// as the election pages are.
func (s *Server) registerLetterRoutes(st *mux.Router) {
	if s.outreach == nil {
		return
	}
	st.Handle("/letters/{id:[0-9]+}", s.allowFunc(anyStaff, s.handleLetter)).Methods(http.MethodGet)
	st.Handle("/letters/{id:[0-9]+}/html", s.allowFunc(anyStaff, s.handleLetterHTML)).Methods(http.MethodGet)
	st.Handle("/letters/{id:[0-9]+}/pdf", s.allowFunc(anyStaff, s.handleLetterPDF)).Methods(http.MethodGet)
	st.Handle("/letters/{id:[0-9]+}/test-copy", s.allowFunc(adminAndPolTeam, s.handleLetterTestCopy)).Methods(http.MethodPost)
	st.Handle("/letters/{id:[0-9]+}/bounce", s.allowFunc(adminAndPolTeam, s.handleLetterBounce)).Methods(http.MethodPost)
	s.registerLetterTemplateRoutes(st)
}

func (s *Server) handleLetter(w http.ResponseWriter, r *http.Request) {
	l, err := s.outreach.Letter(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	a, err := s.outreach.SendingAttempt(r.Context(), l)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "letters_view", page{Data: map[string]any{"L": l, "Sending": sendingNote(a, time.Now())}})
}

// sendingNote tells staff, in plain words, what happens to a letter left
// "sending": a worker killed mid-send leaves it so until River retries it,
// which without this looks like a letter stuck for good.
func sendingNote(a *outreach.SendingAttempt, now time.Time) string {
	if a == nil {
		return ""
	}
	since := "Sending since " + clock(a.Since, now) + "."
	// Round up: "by about" must not promise a minute too early.
	by := clock(a.RetryBy.Add(time.Minute-time.Nanosecond).Truncate(time.Minute), now)
	switch {
	case now.After(a.RetryBy):
		return since + " It should have been retried automatically by " + by +
			". If it is still sending, ask an administrator to check the job queue."
	case a.Waiting:
		return since + " The last attempt stopped; it will be retried automatically by about " + by + "."
	default:
		return since + " If the sender stopped, it will be retried automatically by about " + by + "."
	}
}

// clock is t as UK time of day, with the date when it is not today.
func clock(t, now time.Time) string {
	t, now = t.In(vocab.London), now.In(vocab.London)
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return t.Format("15:04 on 2 January")
}

// handleLetterHTML serves the letter's HTML body for the sandboxed frame,
// as the outbox does: nothing in it can run or load remote content.
func (s *Server) handleLetterHTML(w http.ResponseWriter, r *http.Request) {
	l, err := s.outreach.Letter(r.Context(), pathID(r, "id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(l.HTML))
}

func (s *Server) handleLetterPDF(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	l, err := s.outreach.Letter(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pdf, err := s.outreach.LetterPDF(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "letter-"+strconv.FormatInt(l.ID, 10)+".pdf"))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

func (s *Server) handleLetterTestCopy(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	u := userFrom(r.Context())
	if err := s.outreach.SendTestCopy(r.Context(), id, u.Email); err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, "A test copy has been sent to your own email address.")
	http.Redirect(w, r, fmt.Sprintf("/staff/letters/%d", id), http.StatusSeeOther)
}

func (s *Server) handleLetterBounce(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	l, err := s.outreach.Letter(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if _, err := s.outreach.Bounce(r.Context(), l.Reference, r.PostFormValue("reason")); err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, "The letter is marked as bounced and the contact flagged for review.")
	http.Redirect(w, r, fmt.Sprintf("/staff/letters/%d", id), http.StatusSeeOther)
}
