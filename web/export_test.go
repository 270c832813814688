package web

import "github.com/gorilla/mux"

// Router is the server's router, for tests that walk every route.
func (s *Server) Router() *mux.Router { return s.router }
