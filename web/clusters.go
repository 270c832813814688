package web

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// registerClusterRoutes mounts the cluster pages (called from
// registerTriageRoutes).
func (s *Server) registerClusterRoutes(st *mux.Router) {
	st.Handle("/clusters", s.allowFunc(anyStaff, s.handleClusters)).Methods(http.MethodGet)
	st.Handle("/clusters/{id:[0-9]+}", s.allowFunc(anyStaff, s.handleCluster)).Methods(http.MethodGet)
}

func (s *Server) handleClusters(w http.ResponseWriter, r *http.Request) {
	list, err := s.triage.Clusters(r.Context(), 2, 200)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "clusters", page{Data: list})
}

func (s *Server) handleCluster(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil {
		s.Error(w, r, apperr.New(apperr.NotFound, "There is no such cluster."))
		return
	}
	c, err := s.triage.Cluster(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "cluster", page{Data: c})
}
