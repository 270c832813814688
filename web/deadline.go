package web

import (
	"context"
	"net/http"
	"time"
)

// largeBody is the request size from which reading the body itself may
// take a while (uploads), so the deadline leaves room for it.
const largeBody = defaultBodyLimit

// importTimeout is the deadline of a staff import (complaints or parties,
// page or API). An import stores up to complaints.MaxImportRows rows in one
// transaction, all or nothing, which can take far longer than
// REQUEST_TIMEOUT; cut off, it would roll back and answer 503 however
// often it was tried. Only signed-in staff with an importing role get
// this long (importRoute checks the role before the body is read).
const importTimeout = 15 * time.Minute

// importPaths are the staff import routes that get importTimeout.
var importPaths = map[string]bool{
	"/staff/complaints/import": true,
	"/staff/parties/import":    true,
	"/api/v1/parties/import":   true,
}

// withDeadline gives every request's context a deadline of
// REQUEST_TIMEOUT, which every database call made for the request (session
// lookup included) honours: when the database hangs or the pool has no
// free connection, the request ends with a 503 "try again" within the
// deadline instead of waiting as long as the client does. (A single
// statement is bounded sooner by the server's statement_timeout.) A
// request with a large or unknown-length body gets the server's read
// timeout on top, as the body is read on the same clock. Staff imports
// get importTimeout instead. Exports too large for a request run as jobs,
// which have their own time limit.
func (s *Server) withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.cfg.RequestTimeout
		if r.ContentLength > largeBody || (r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody) {
			d += readTimeout
		}
		if r.Method == http.MethodPost && importPaths[r.URL.Path] {
			d = importTimeout
			// The server's write timeout would otherwise end the
			// response of an import that ran long.
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + time.Minute))
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
