package web

import (
	"context"
	"net/http"
	"time"

	"github.com/campaignwatch/campaignwatch/internal/database"
)

// handleHealthz says only that the process is alive and serving.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz says whether this instance can do useful work: the database
// answers and its schema is current. Load balancers send traffic only to
// ready instances.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
		return
	}
	st, err := database.GetStatus(ctx, s.pool)
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "cannot read migration state"})
		return
	}
	if !st.Current() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "reason": "migrations pending", "pending": len(st.Pending)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// publicMetrics is /metrics on the public listener (HTTP_ADDR): behind
// METRICS_TOKEN when one is set, open in development mode, and otherwise
// not there at all (404, like any unknown path), because it is served on
// METRICS_ADDR or not meant to be reachable from outside.
func (s *Server) publicMetrics() http.Handler {
	if !s.cfg.MetricsOnPublicListener() {
		return http.HandlerFunc(s.handleNotFound)
	}
	return s.metrics.Guarded(s.cfg.MetricsToken)
}
