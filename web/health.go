package web

import (
	"context"
	"errors"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/campaignwatch/campaignwatch/internal/database"
)

// registerOperationRoutes adds what operations and browsers need from
// every instance: liveness, readiness, metrics and the static assets.
func (s *Server) registerOperationRoutes(r *mux.Router) {
	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", s.publicMetrics()).Methods(http.MethodGet)
	r.PathPrefix("/static/").Handler(s.assets).Methods(http.MethodGet, http.MethodHead)
}

// handleHealthz says only that the process is alive and serving.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyTimeout bounds the whole readiness check: a load balancer probes
// often and must hear "not ready" quickly from a hung database.
const readyTimeout = 3 * time.Second

// readyCache is the last readiness answer and when it was made. Its mutex
// is held for the whole check, so probes arriving together wait for one
// check instead of each making their own (single flight).
type readyCache struct {
	mu     sync.Mutex
	at     time.Time
	status int
	body   any
}

// handleReadyz says whether this instance can do useful work: the database
// answers, its schema is current and it can commit a write. Load balancers
// send traffic only to ready instances. The endpoint is public and
// unauthenticated, so the answer is reused for READY_CACHE: a flood of
// probes costs at most one check (and one heartbeat write) per period,
// and cannot queue on the heartbeat row or take the pool's connections
// from the work the probes are meant to protect.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	c := &s.ready
	c.mu.Lock()
	if c.body == nil || time.Since(c.at) >= s.cfg.ReadyCache {
		c.status, c.body = s.checkReady()
		c.at = time.Now()
	}
	status, body := c.status, c.body
	c.mu.Unlock()
	writeJSON(w, status, body)
}

// checkReady makes the readiness check. It runs on its own deadline, not
// the calling probe's context: its answer is shared, and one caller
// hanging up must not turn it into a failure for the others.
func (s *Server) checkReady() (int, any) {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	unready := func(reason string) (int, any) {
		return http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason}
	}
	if err := s.pool.Ping(ctx); err != nil {
		return unready("database unreachable")
	}
	st, err := database.GetStatus(ctx, s.pool)
	if err != nil {
		return unready("cannot read migration state")
	}
	if !st.Current() {
		return http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "reason": "migrations pending", "pending": len(st.Pending)}
	}
	if err := s.writeHeartbeat(ctx); err != nil {
		s.log.Warn("readiness: the database cannot take a write", "err", err)
		return unready(writeFailure(err))
	}
	return http.StatusOK, map[string]string{"status": "ready"}
}

// writeHeartbeat makes the write (database.WriteHeartbeat). It commits, so
// a full disk (the WAL flush at commit fails) shows as well as a read-only
// server.
func (s *Server) writeHeartbeat(ctx context.Context) error {
	host, _ := os.Hostname()
	return database.WriteHeartbeat(ctx, s.pool, host)
}

// writeFailure names why a write failed, for the operator reading the
// probe's answer.
func writeFailure(err error) string {
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "25006":
		return "database is read-only"
	case errors.As(err, &pe) && pe.Code == "53100":
		return "database disk is full"
	case errors.As(err, &pe) && pe.Code[:2] == "53":
		return "database is short of resources"
	case errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) || (errors.As(err, &pe) && (pe.Code == "57014" || pe.Code == "55P03")):
		return "database write timed out"
	}
	return "database write failed"
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
