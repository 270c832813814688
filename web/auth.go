package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

const (
	sessionCookie = "cw_session"
	csrfCookie    = "cw_csrf"
	csrfField     = "csrf_token"
	csrfHeader    = "X-CSRF-Token"
)

// authInfo is who made a request and how they proved it.
type authInfo struct {
	user *staff.User
	// viaSession is true for cookie sessions, which need CSRF protection;
	// bearer tokens are not sent by browsers on their own, so they do not.
	viaSession bool
}

func userFrom(ctx context.Context) *staff.User {
	if a, ok := ctx.Value(userKey).(*authInfo); ok {
		return a.user
	}
	return nil
}

func authFrom(ctx context.Context) *authInfo {
	a, _ := ctx.Value(userKey).(*authInfo)
	return a
}

// authenticate resolves the caller from a bearer token (API only) or the
// session cookie and records them as the audit actor of the request.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if skipAuth(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		info := &authInfo{}
		if h := r.Header.Get("Authorization"); h != "" && strings.HasPrefix(r.URL.Path, "/api/") {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.Error(w, r, apperr.New(apperr.Unauthorized, "Use an Authorization header of the form: Bearer <token>."))
				return
			}
			u, err := s.staff.TokenUser(ctx, strings.TrimSpace(token))
			if err != nil {
				s.Error(w, r, err)
				return
			}
			if u == nil {
				s.Error(w, r, apperr.New(apperr.Unauthorized, "The API token is not valid or has been revoked."))
				return
			}
			info.user = u
		} else if c, err := r.Cookie(sessionCookie); err == nil {
			u, err := s.staff.SessionUser(ctx, c.Value)
			if err != nil {
				s.Error(w, r, err)
				return
			}
			info.user, info.viaSession = u, u != nil
		}
		ctx = context.WithValue(ctx, userKey, info)
		if info.user != nil {
			id := info.user.ID
			ctx = audit.WithActor(ctx, audit.Actor{UserID: &id, Label: info.user.Email, RequestID: requestIDFrom(ctx)})
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// skipAuth lists paths that never need to know the caller, so they cost no
// database query.
func skipAuth(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// Role sets used by routes.
var (
	anyStaff        = staff.Roles
	adminOnly       = []staff.Role{staff.RoleAdmin}
	adminAndPolTeam = []staff.Role{staff.RoleAdmin, staff.RolePoliticalTeam}
)

// allow wraps h so only signed-in users holding one of roles reach it. An
// anonymous caller gets 401 (API) or a redirect to sign-in (pages); a
// signed-in caller with another role gets 403.
func (s *Server) allow(roles []staff.Role, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r.Context())
		if u == nil {
			if wantsJSON(r) {
				s.Error(w, r, apperr.New(apperr.Unauthorized, "Sign in, or send an API token as: Authorization: Bearer <token>."))
				return
			}
			http.Redirect(w, r, "/staff/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if !u.Can(roles...) {
			s.Error(w, r, apperr.New(apperr.Forbidden, "Your role does not give access to this. Ask an administrator if you need it."))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) allowFunc(roles []staff.Role, h http.HandlerFunc) http.Handler {
	return s.allow(roles, h)
}

// csrfProtect guards every form. The browser holds a random value in an
// HttpOnly cookie; forms carry an HMAC of it under the session secret. A
// cross-site page can make the browser send the cookie but cannot read it
// or compute the MAC, so it cannot forge the form field.
func (s *Server) csrfProtect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seed := ""
		if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
			seed = c.Value
		} else {
			seed = s.newCSRFSeed(w)
		}
		r = r.WithContext(context.WithValue(r.Context(), csrfKey, seed))
		if !safeMethod(r.Method) {
			sent := r.Header.Get(csrfHeader)
			if sent == "" {
				if err := parseForm(r); err != nil {
					s.Error(w, r, err)
					return
				}
				sent = r.PostFormValue(csrfField)
			}
			if !hmac.Equal([]byte(sent), []byte(s.csrfFor(seed))) {
				s.Error(w, r, apperr.New(apperr.Forbidden, "This form has expired or did not come from this site. Go back, reload the page and try again."))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// apiCSRF requires the CSRF header on state-changing API calls made with a
// session cookie (from our own pages); token and anonymous calls carry no
// ambient credentials and need none.
func (s *Server) apiCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := authFrom(r.Context()); a != nil && a.viaSession && !safeMethod(r.Method) && !publicAPIWrite(r) {
			c, err := r.Cookie(csrfCookie)
			if err != nil || !hmac.Equal([]byte(r.Header.Get(csrfHeader)), []byte(s.csrfFor(c.Value))) {
				s.Error(w, r, apperr.New(apperr.Forbidden, "Send the X-CSRF-Token header with session-authenticated API calls, or use an API token."))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// parseForm parses a urlencoded or multipart body, so that a body over the
// size limit is answered with 413 rather than mistaken for a missing token.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	if err != nil && !errors.As(err, &mbe) {
		return apperr.Wrap(apperr.BadRequest, err, "The form could not be read.")
	}
	return err
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func (s *Server) newCSRFSeed(w http.ResponseWriter) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	seed := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: seed, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
	return seed
}

func (s *Server) csrfFor(seed string) string {
	m := hmac.New(sha256.New, s.cfg.SessionSecret)
	fmt.Fprintf(m, "csrf:%s", seed)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken is the form token for the current request ("" outside the
// CSRF-protected areas).
func (s *Server) csrfToken(r *http.Request) string {
	seed, _ := r.Context().Value(csrfKey).(string)
	if seed == "" {
		return ""
	}
	return s.csrfFor(seed)
}

// clientIP is the key every per-client control counts by: the client's
// address (through trusted proxies only) or, for IPv6, its /64. See
// clientaddr.go.
func clientIP(r *http.Request) string {
	if b, ok := r.Context().Value(clientKey{}).(string); ok {
		return b
	}
	return clientBucket(clientAddr(r, nil))
}

// safeNext keeps post-sign-in redirects on this site: a path on this
// host and nothing else. Browsers drop tabs and newlines and treat "\" as
// "/", so "/\t/evil.example" would otherwise leave the site.
func safeNext(next string) string {
	const home = "/staff/"
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return home
	}
	return next
}

type loginData struct {
	Email string
	Next  string
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	if userFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", page{Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	fail := func(status int, msg string) {
		s.render(w, r, status, "login", page{
			Errors: []apperr.FieldError{{Field: "email", Message: msg}},
			Data:   loginData{Email: email, Next: next},
		})
	}
	if email == "" || password == "" {
		fail(http.StatusUnprocessableEntity, "Enter your email address and password")
		return
	}
	u, err := s.staff.Authenticate(r.Context(), email, password, clientIP(r))
	switch apperr.CodeOf(err) {
	case apperr.Internal:
		if err != nil {
			s.Error(w, r, err)
			return
		}
	case apperr.RateLimited:
		w.Header().Set("Retry-After", "900")
		fail(http.StatusTooManyRequests, apperr.MessageOf(err))
		return
	default:
		fail(http.StatusUnauthorized, apperr.MessageOf(err))
		return
	}

	// A fresh session token and a fresh CSRF seed at sign-in: nothing an
	// attacker planted before sign-in survives it.
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.staff.DeleteSession(r.Context(), c.Value)
	}
	token, err := s.staff.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
	s.newCSRFSeed(w)
	id := u.ID
	ctx := audit.WithActor(r.Context(), audit.Actor{UserID: &id, Label: u.Email, RequestID: requestIDFrom(r.Context())})
	if err := s.recordSimple(ctx, "session.login", "staff_user", fmt.Sprint(u.ID)); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.staff.DeleteSession(r.Context(), c.Value); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	if u := userFrom(r.Context()); u != nil {
		if err := s.recordSimple(r.Context(), "session.logout", "staff_user", fmt.Sprint(u.ID)); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
	s.setFlash(w, "You have signed out.")
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}

// recordSimple writes an audit entry in a transaction of its own, for
// actions (sign-in, sign-out) that change nothing else.
func (s *Server) recordSimple(ctx context.Context, action, objectType, objectID string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := audit.Record(ctx, tx, action, objectType, objectID, audit.Change{}); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"email": u.Email, "role": u.Role})
}
