package web

import "html/template"

// navFuncs are the template functions of the staff header.
func (s *Server) navFuncs() template.FuncMap {
	return template.FuncMap{}
}
