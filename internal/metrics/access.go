package metrics

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// Guarded serves the registry like Handler, and with a token set only to
// requests that carry "Authorization: Bearer <token>"; others get 401. The
// figures (routes, job kinds, mail outcomes, process details) help an
// attacker map the service, so a public listener never serves them
// anonymously in production.
func (m *Metrics) Guarded(token string) http.Handler {
	h := m.Handler()
	if token == "" {
		return h
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		// Comparing digests in constant time reveals neither the token's
		// length nor how much of a guess was right.
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"unauthorized","message":"/metrics needs the bearer token set in METRICS_TOKEN."}` + "\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Server is the HTTP server of the separate metrics listener
// (METRICS_ADDR): /metrics and nothing else, with the timeouts of the main
// server so a slow client cannot hold a connection.
func (m *Metrics) Server(addr, token string) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Guarded(token))
	return &http.Server{
		Addr:              addr,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}
