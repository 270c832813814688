package web

import "github.com/gorilla/mux"

// registerAuditReportRoutes mounts the audit programme's outputs: the
// follow-up report of an audit (page and PDF), its letter, the
// programme summary report (page and PDF) and the programme workbook.
func (s *Server) registerAuditReportRoutes(r *mux.Router) {}
