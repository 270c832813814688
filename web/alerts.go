package web

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints/monitor"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
)

// registerAlertRoutes mounts the alerts page (called from
// registerTriageRoutes).
func (s *Server) registerAlertRoutes(st *mux.Router) {
	st.Handle("/alerts", s.allowFunc(anyStaff, s.handleAlerts)).Methods(http.MethodGet)
	st.Handle("/alerts/{id:[0-9]+}/close", s.allowFunc(adminAndPolTeam, s.handleAlertClose)).Methods(http.MethodPost)
}

type alertsData struct {
	Alerts   []monitor.Alert
	CanClose bool
}

func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) {
	list, err := monitor.Alerts(r.Context(), s.pool, 200)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	u := userFrom(r.Context())
	s.render(w, r, http.StatusOK, "alerts", page{Data: alertsData{Alerts: list, CanClose: u.Can(adminAndPolTeam...)}})
}

func (s *Server) handleAlertClose(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil {
		s.Error(w, r, apperr.New(apperr.NotFound, "There is no such alert."))
		return
	}
	if err := monitor.CloseAlert(r.Context(), s.pool, id); err != nil {
		s.Error(w, r, err)
		return
	}
	s.setFlash(w, "Alert closed.")
	http.Redirect(w, r, "/staff/alerts", http.StatusSeeOther)
}
