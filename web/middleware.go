package web

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"mime/multipart"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	userKey
	csrfKey
)

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// requestID gives every request an ID, echoed in X-Request-ID and in logs,
// so a user quoting it on an error page can be matched to the log line.
// An incoming ID is accepted only if it is short and plain.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !plainID(id) {
			b := make([]byte, 10)
			_, _ = rand.Read(b)
			id = strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

func plainID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// statusRecorder remembers the status and size written, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// routeName is the matched route's template (e.g. /complaints/{reference}),
// which is what logs and metrics record: the raw path could contain a
// complaint reference or an email address.
func routeName(r *http.Request) string {
	if route := mux.CurrentRoute(r); route != nil {
		if t, err := route.GetPathTemplate(); err == nil {
			return t
		}
	}
	return "unmatched"
}

// accessLog logs one line per request and records the HTTP metrics. It
// never logs bodies, query strings, client addresses or user agents.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		var route string
		// The route is known only once mux has matched; capture it from
		// the innermost handler through the request context.
		holder := &routeHolder{}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), routeHolderKey{}, holder)))
		route = holder.name
		if route == "" {
			route = "unmatched"
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.HTTPRequests.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Inc()
		s.metrics.HTTPDuration.WithLabelValues(route).Observe(d.Seconds())
		s.log.Info("http request",
			"request_id", requestIDFrom(r.Context()), "method", r.Method, "route", route,
			"status", rec.status, "bytes", rec.bytes, "duration_ms", float64(d.Microseconds())/1000)
	})
}

type routeHolderKey struct{}

type routeHolder struct{ name string }

// captureRoute is installed as router middleware, which runs after
// matching, to tell accessLog the route template.
func captureRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := r.Context().Value(routeHolderKey{}).(*routeHolder); ok {
			h.name = routeName(r)
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into a logged 500 page instead of a dropped
// connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "request_id", requestIDFrom(r.Context()),
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.Error(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only our own scripts, styles and images:
// no inline script or style, no framing, forms only to ourselves.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; frame-src 'self'; " +
	"base-uri 'none'; object-src 'none'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if s.cfg.SecureCookies() {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// signInBeforeBody answers an anonymous state-changing request to a staff
// page other than the sign-in form as allow does (redirect to sign in),
// before limitBody reads its body: every such route needs a signed-in
// user, so a body nobody anonymous may send is never read, parsed or
// spooled to disk. The role itself is checked by each route's allow.
func (s *Server) signInBeforeBody(next http.Handler) http.Handler {
	needsUser := s.allow(anyStaff, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) || r.URL.Path == "/staff/login" {
			next.ServeHTTP(w, r)
			return
		}
		needsUser.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies; a handler reading past the cap gets an
// *http.MaxBytesError, which Error turns into 413. It is also where a form
// or JSON body is read, within that cap, and its fields checked for text
// that cannot be accepted (see textinput.go), since every route that
// takes a body passes through it.
func (s *Server) limitBody(n int64) mux.MiddlewareFunc {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				w.Header().Set("Connection", "close")
			}
			r.Body = http.MaxBytesReader(w, r.Body, n)
			// net/http removes multipart temporary files only for the
			// request it created, and every middleware before this one
			// has made a copy; the forms parsed for this request are
			// removed here, once the handler is done with them.
			spooled := &spooledForms{}
			r = r.WithContext(context.WithValue(r.Context(), spooledFormsKey{}, spooled))
			defer spooled.removeAll()
			err := checkForm(r)
			if err == nil {
				err = checkJSON(r)
			}
			if err != nil {
				s.Error(w, r, s.forVisitor(w, r, err))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

type spooledFormsKey struct{}

// spooledForms are the multipart forms parsed for one request, whose
// files over the memory limit sit in temporary files until removed.
type spooledForms struct {
	mu    sync.Mutex
	forms []*multipart.Form
}

// rememberSpooled records a request's parsed multipart form, if it has one, for
// removal when limitBody's handler returns.
func rememberSpooled(r *http.Request) {
	held, _ := r.Context().Value(spooledFormsKey{}).(*spooledForms)
	if held == nil || r.MultipartForm == nil {
		return
	}
	held.mu.Lock()
	defer held.mu.Unlock()
	for _, f := range held.forms {
		if f == r.MultipartForm {
			return
		}
	}
	held.forms = append(held.forms, r.MultipartForm)
}

// removeAll deletes the temporary files of every form remembered.
func (h *spooledForms) removeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, f := range h.forms {
		_ = f.RemoveAll()
	}
	h.forms = nil
}
