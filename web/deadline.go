package web

import (
	"context"
	"net/http"
)

// largeBody is the request size from which reading the body itself may
// take a while (uploads), so the deadline leaves room for it.
const largeBody = defaultBodyLimit

// withDeadline gives every request's context a deadline of
// REQUEST_TIMEOUT, which every database call made for the request (session
// lookup included) honours: when the database hangs or the pool has no
// free connection, the request ends with a 503 "try again" within the
// deadline instead of waiting as long as the client does. (A single
// statement is bounded sooner by the server's statement_timeout.) A
// request with a large or unknown-length body gets the server's read
// timeout on top, as the body is read on the same clock. Exports too large
// for a request run as jobs, which have their own time limit.
func (s *Server) withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.cfg.RequestTimeout
		if r.ContentLength > largeBody || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody) {
			d += readTimeout
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
