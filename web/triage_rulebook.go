package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints/triage"
)

// registerRulebookRoutes mounts the rulebook page: every staff role may
// see the policy their triage results come from.
func (s *Server) registerRulebookRoutes(st *mux.Router) {
	st.Handle("/rulebook", s.allowFunc(anyStaff, s.handleRulebook)).Methods(http.MethodGet)
}

// rulebookView is the rulebook shaped for the page.
type rulebookView struct {
	RB         *triage.Rulebook
	Provisions map[string]triage.Provision
	Guidance   map[string]string
	Priorities []string
}

func (s *Server) handleRulebook(w http.ResponseWriter, r *http.Request) {
	rb := s.rulebook
	if rb == nil {
		var err error
		if rb, err = triage.DefaultRulebook(); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	v := rulebookView{RB: rb, Provisions: map[string]triage.Provision{}, Guidance: map[string]string{}}
	for _, p := range rb.Provisions {
		v.Provisions[p.ID] = p
	}
	for _, g := range rb.Guidance {
		v.Guidance[g.ID] = g.Text
	}
	for i := len(rb.Bands) - 1; i >= 0; i-- {
		v.Priorities = append(v.Priorities, rb.Bands[i].Priority)
	}
	s.render(w, r, http.StatusOK, "rulebook", page{Data: v})
}
