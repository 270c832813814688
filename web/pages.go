package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

// registerPublicRoutes adds the public pages other than the complaint
// form. Its subrouter has no path prefix, so it is added last.
func (s *Server) registerPublicRoutes(r *mux.Router) {
	pub := r.NewRoute().Subrouter()
	pub.Use(s.limitBody(defaultBodyLimit), s.csrfProtect)
	pub.HandleFunc("/", s.handleStart).Methods(http.MethodGet)
	pub.HandleFunc("/privacy", s.handlePrivacy).Methods(http.MethodGet)
	pub.HandleFunc("/accessibility", s.handleAccessibility).Methods(http.MethodGet)
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.Error(w, r, apperr.New(apperr.NotFound, "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."))
}

// handleMethodNotAllowed answers a method the route does not take: JSON
// for the API, else the error page in the visitor's language.
func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "This method is not allowed here.", Code: "method_not_allowed"})
		return
	}
	lang := s.requestLang(w, r)
	s.render(w, r, http.StatusMethodNotAllowed, "error", page{Lang: lang, Data: map[string]any{
		"Title": translate(lang, "error.title.method_not_allowed"), "Message": translate(lang, "error.body.method_not_allowed")}})
}

// currentOrg reads the settings in force for a public page. A page is
// still shown when they cannot be read (the database is down and this is
// the page saying so): without the contact block, and logged.
func (s *Server) currentOrg(r *http.Request) *organisation.Settings {
	if s.org == nil {
		return nil
	}
	org, err := s.org.Current(r.Context())
	if err != nil {
		s.log.Warn("organisation settings unavailable for a public page", "err", err, "request_id", requestIDFrom(r.Context()))
		return nil
	}
	return org
}

func (s *Server) handleStart(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "start", page{})
}

// handlePrivacy shows the privacy notice, which names the controller and
// the data protection officer from the settings in force: without them
// the notice would be incomplete, so failing to read them is an error.
func (s *Server) handlePrivacy(w http.ResponseWriter, r *http.Request) {
	org, err := s.org.Current(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "privacy", page{Org: org})
}

func (s *Server) handleAccessibility(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "accessibility", page{})
}

// handleHome is the staff home, which is the dashboard (web/dashboard.go).
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.handleDashboard(w, r)
}

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := audit.Filter{
		Actor: q.Get("actor"), Action: q.Get("action"),
		ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Limit: 100,
	}
	var fields []apperr.FieldError
	parseDay := func(field string) time.Time {
		v := q.Get(field)
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, vocab.London)
		if err != nil {
			fields = append(fields, apperr.FieldError{Field: field, Message: "Enter the date as YYYY-MM-DD, for example 2024-07-04"})
		}
		return t
	}
	f.From = parseDay("from")
	if to := parseDay("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole "to" day is included
	}
	if v := q.Get("before"); v != "" {
		f.BeforeID, _ = strconv.ParseInt(v, 10, 64)
	}
	data := map[string]any{"Filter": f, "From": q.Get("from"), "To": q.Get("to")}
	if len(fields) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "audit", page{Errors: fields, Data: data})
		return
	}
	entries, err := audit.List(r.Context(), s.pool, f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	data["Entries"] = entries
	if data["People"], err = s.staffNamesOf(r); err != nil {
		s.Error(w, r, err)
		return
	}
	if len(entries) == f.Limit {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		data["Next"] = "/staff/admin/audit?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "audit", page{Data: data})
}
