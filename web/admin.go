package web

import (
	"net/http"

	"github.com/gorilla/mux"
)

// registerAdminRoutes adds the administrators' pages: staff accounts
// (users.go), the audit log (pages.go), the outbox of mail sent in
// development (outbox.go) and River UI (riverui.go).
func (s *Server) registerAdminRoutes(r, st *mux.Router) {
	if s.riverUI != nil {
		r.PathPrefix("/admin/jobs").Handler(s.allow(adminOnly, riverUIGuard(s.riverUI)))
	}
	st.Handle("/admin/users", s.allowFunc(adminOnly, s.handleUsers)).Methods(http.MethodGet)
	st.Handle("/admin/users/{id:[0-9]+}/disable", s.allowFunc(adminOnly, s.handleUserDisable)).Methods(http.MethodPost)
	st.Handle("/admin/users/{id:[0-9]+}/enable", s.allowFunc(adminOnly, s.handleUserEnable)).Methods(http.MethodPost)
	st.Handle("/admin/audit", s.allowFunc(adminOnly, s.handleAudit)).Methods(http.MethodGet)
	st.Handle("/outbox", s.allowFunc(adminOnly, s.handleOutbox)).Methods(http.MethodGet)
	st.Handle("/outbox/{name}", s.allowFunc(adminOnly, s.handleOutboxMessage)).Methods(http.MethodGet)
	st.Handle("/outbox/{name}/html", s.allowFunc(adminOnly, s.handleOutboxHTML)).Methods(http.MethodGet)
}
