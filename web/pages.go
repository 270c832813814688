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

func (s *Server) handleMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusMethodNotAllowed)
	if wantsJSON(r) {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: "This method is not allowed here.", Code: "method_not_allowed"})
	}
}

func (s *Server) handleStart(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "start", page{})
}

func (s *Server) handlePrivacy(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "privacy", page{})
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
