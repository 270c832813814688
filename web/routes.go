package web

import (
	"net/http"

	"github.com/gorilla/mux"
)

// Body size limits. Uploads get their own, larger, subrouter when a
// feature needs one.
const defaultBodyLimit = 1 << 20

// routes is the table of contents of the HTTP interface.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	r.Use(captureRoute)
	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)

	// Operations: liveness, readiness, metrics, static assets.
	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", s.publicMetrics()).Methods(http.MethodGet)
	r.PathPrefix("/static/").Handler(s.assets).Methods(http.MethodGet, http.MethodHead)

	// River UI, for administrators only.
	if s.riverUI != nil {
		r.PathPrefix("/admin/jobs").Handler(s.allow(adminOnly, riverUIGuard(s.riverUI)))
	}

	// Party registry: pages and API, mounted ahead of /staff and /api/v1
	// so its own body limits (uploads) apply.
	s.registerPartyRoutes(r)

	// JSON API.
	api := r.PathPrefix("/api/v1").Subrouter()
	api.Use(s.requireJSON, s.limitBody(defaultBodyLimit), s.apiCSRF)
	api.Handle("/me", s.allowFunc(anyStaff, s.handleMe)).Methods(http.MethodGet)

	// Staff pages.
	r.Handle("/staff", http.RedirectHandler("/staff/", http.StatusMovedPermanently))
	st := r.PathPrefix("/staff").Subrouter()
	st.Use(s.signInBeforeBody, s.limitBody(defaultBodyLimit), s.csrfProtect)
	st.HandleFunc("/login", s.handleLoginForm).Methods(http.MethodGet)
	st.HandleFunc("/login", s.handleLogin).Methods(http.MethodPost)
	st.Handle("/logout", s.allowFunc(anyStaff, s.handleLogout)).Methods(http.MethodPost)
	st.Handle("/", s.allowFunc(anyStaff, s.handleHome)).Methods(http.MethodGet)
	st.Handle("/admin/users", s.allowFunc(adminOnly, s.handleUsers)).Methods(http.MethodGet)
	st.Handle("/admin/users/{id:[0-9]+}/disable", s.allowFunc(adminOnly, s.handleUserDisable)).Methods(http.MethodPost)
	st.Handle("/admin/users/{id:[0-9]+}/enable", s.allowFunc(adminOnly, s.handleUserEnable)).Methods(http.MethodPost)
	st.Handle("/admin/audit", s.allowFunc(adminOnly, s.handleAudit)).Methods(http.MethodGet)
	st.Handle("/outbox", s.allowFunc(adminOnly, s.handleOutbox)).Methods(http.MethodGet)
	st.Handle("/outbox/{name}", s.allowFunc(adminOnly, s.handleOutboxMessage)).Methods(http.MethodGet)
	st.Handle("/outbox/{name}/html", s.allowFunc(adminOnly, s.handleOutboxHTML)).Methods(http.MethodGet)
	s.registerComplaintRoutes(r, api, st)
	s.mountReports(api, st)
	s.mountOutreach(api, st)
	s.mountLetterTemplates(st)
	s.registerTriageRoutes(st)
	s.registerRulebookRoutes(st)

	// Public pages.
	pub := r.NewRoute().Subrouter()
	pub.Use(s.limitBody(defaultBodyLimit), s.csrfProtect)
	pub.HandleFunc("/", s.handleStart).Methods(http.MethodGet)
	pub.HandleFunc("/privacy", s.handlePrivacy).Methods(http.MethodGet)
	pub.HandleFunc("/accessibility", s.handleAccessibility).Methods(http.MethodGet)

	return r
}

// Handler returns the router wrapped in the middleware every request
// passes through, outermost first.
func (s *Server) wrap(h http.Handler) http.Handler {
	return requestID(s.accessLog(s.recoverPanics(s.securityHeaders(s.identifyClient(s.refuseInvalidQuery(s.authenticate(h)))))))
}
