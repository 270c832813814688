package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

// Staff imports (complaints and parties, pages and API) are large uploads
// from signed-in staff: their role is checked before the body is read and
// the bytes being received at once are capped (IMPORT_INFLIGHT_MB).

// byteBudget counts bytes in use against a maximum.
type byteBudget struct {
	mu   sync.Mutex
	used int64
	max  int64
}

// take reserves n bytes if they fit.
func (b *byteBudget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.max {
		return false
	}
	b.used += n
	return true
}

func (b *byteBudget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// importsBusyRetry is how long a refused staff import is asked to wait.
const importsBusyRetry = 30 * time.Second

// importRoute is a staff import route (complaints or parties, page or
// API). The role check comes first, so an anonymous or unentitled caller
// is answered before a byte of the body is read or spooled to disk; then
// importGuard caps the imports being received at once; only then is the
// body read (limitBody) and the CSRF check made.
func (s *Server) importRoute(roles []staff.Role, limit int64, csrf mux.MiddlewareFunc, h http.HandlerFunc) http.Handler {
	return s.allow(roles, s.importGuard(limit, s.limitBody(limit)(csrf(h))))
}

// importGuard comes before an import's body is read. One plainly too
// large (by its declared length) is answered 413; one that would take the
// bytes of imports being received past IMPORT_INFLIGHT_MB is answered 503
// with Retry-After. The reservation is the declared length, or limit when
// none is given, and is held until the handler returns.
func (s *Server) importGuard(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			s.Error(w, r, apperr.New(apperr.TooLarge, "The upload must be smaller than %d MB.", limit>>20))
			return
		}
		n := r.ContentLength
		if n < 0 {
			n = limit
		}
		if !s.imports.take(n) {
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", strconv.Itoa(int(importsBusyRetry.Seconds())))
			s.Error(w, r, apperr.New(apperr.Unavailable, "Other imports are being received. Try again in a little while."))
			return
		}
		defer s.imports.give(n)
		next.ServeHTTP(w, r)
	})
}
