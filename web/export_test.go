package web

import "github.com/gorilla/mux"

// Router exposes the router to the external tests, which walk it to check
// that every route has a role decision and to sweep every parameter.
func (s *Server) Router() *mux.Router { return s.router }
