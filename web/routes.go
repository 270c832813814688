package web

import (
	"net/http"

	"github.com/gorilla/mux"
)

// Body size limits. Uploads get their own, larger, subrouter when a
// feature needs one.
const defaultBodyLimit = 1 << 20

// routes is the table of contents of the HTTP interface: every feature
// adds its routes through one register…Routes function, given the
// subrouters it mounts on. Roles are decided per route there (and listed
// in routes_roles_test.go).
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	r.Use(captureRoute)
	r.NotFoundHandler = http.HandlerFunc(s.handleNotFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.handleMethodNotAllowed)

	// Liveness, readiness, metrics, static assets (health.go).
	s.registerOperationRoutes(r)

	// Party registry, pages and API (parties.go, parties_api.go): mounted
	// ahead of /staff and /api/v1 so its own body limits (uploads) apply.
	s.registerPartyRoutes(r)
	// Organisation settings (settings.go): admins only, mounted ahead of
	// /staff for the signature images' body limit.
	s.registerSettingsRoutes(r)
	// The audit programme (audits.go, audits_reports.go): mounted ahead
	// of /staff for the evidence and import uploads' body limits.
	s.registerAuditRoutes(r)
	s.registerAuditReportRoutes(r)

	// The JSON API and the staff pages, each with its middleware.
	api := r.PathPrefix("/api/v1").Subrouter()
	api.Use(s.requireJSON, s.limitBody(defaultBodyLimit), s.apiCSRF)
	r.Handle("/staff", http.RedirectHandler("/staff/", http.StatusMovedPermanently))
	st := r.PathPrefix("/staff").Subrouter()
	st.Use(s.signInBeforeBody, s.limitBody(defaultBodyLimit), s.csrfProtect)

	s.registerAuthRoutes(api, st)         // auth.go: sign in and out, the staff home, /api/v1/me
	s.registerAdminRoutes(r, st)          // admin.go: users, audit log, outbox, River UI
	s.registerComplaintRoutes(r, api, st) // complaint_routes.go: the public form, the API, staff pages
	s.registerReportRoutes(api, st)       // reports.go, report_followup.go
	s.registerElectionRoutes(api, st)     // elections.go
	s.registerLetterRoutes(st)            // letters.go, letter_templates.go
	s.registerPartyLetterRoutes(api, st)  // letters_parties.go: letters to chosen parties
	s.registerTriageRoutes(st)            // triage_queue.go: queue, panel, clusters, alerts, rulebook
	s.registerSettingsAPI(api)            // settings.go: GET /api/v1/settings
	s.registerAPIDocsRoutes(r, api)       // apidocs.go: the OpenAPI description and /api/docs
	s.registerPublicRoutes(r)             // pages.go: start, privacy, accessibility

	return r
}

// Handler returns the router wrapped in the middleware every request
// passes through, outermost first.
func (s *Server) wrap(h http.Handler) http.Handler {
	return requestID(s.accessLog(s.recoverPanics(s.securityHeaders(s.identifyClient(s.refuseInvalidQuery(s.authenticate(h)))))))
}
