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
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/audit"
	"github.com/campaignwatch/campaignwatch/internal/staff"
)

const (
	sessionCookie = "cw_session"
	csrfCookie    = "cw_csrf"
	// deviceCookie marks a browser that has signed in to an account, so
	// guessing from elsewhere never slows its owner down there.
	deviceCookie = "cw_device"
	csrfField    = "csrf_token"
	csrfHeader   = "X-CSRF-Token"
)

// registerAuthRoutes adds signing in and out, the staff home (where
// signing in lands: the dashboard) and /api/v1/me.
func (s *Server) registerAuthRoutes(api, st *mux.Router) {
	api.Handle("/me", s.allowFunc(anyStaff, s.handleMe)).Methods(http.MethodGet)
	st.HandleFunc("/login", s.handleLoginForm).Methods(http.MethodGet)
	st.HandleFunc("/login", s.handleLogin).Methods(http.MethodPost)
	st.Handle("/logout", s.allowFunc(anyStaff, s.handleLogout)).Methods(http.MethodPost)
	st.Handle("/", s.allowFunc(anyStaff, s.handleHome)).Methods(http.MethodGet)
}

// cookieName is the name of one of our cookies. Over https it carries the
// __Host- prefix, which browsers accept only from this exact host, Secure,
// with Path=/ and no Domain: a sibling subdomain or a plain-http page
// cannot plant or overwrite it. Plain http (development, tests) cannot
// use the prefix and keeps the bare name.
func (s *Server) cookieName(base string) string {
	if s.cfg.SecureCookies() {
		return "__Host-" + base
	}
	return base
}

// setCookie sets one of our cookies with the attributes every one of them
// shares; maxAge < 0 deletes it.
func (s *Server) setCookie(w http.ResponseWriter, base, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(base), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode})
}

// authInfo is who made a request and how they proved it.
type authInfo struct {
	user *staff.User
	// viaSession is true for cookie sessions, which need CSRF protection;
	// bearer tokens are not sent by browsers on their own, so they do not.
	viaSession bool
	// session is the session token when viaSession, which CSRF tokens
	// are bound to.
	session string
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
		} else if c, err := r.Cookie(s.cookieName(sessionCookie)); err == nil {
			u, err := s.staff.SessionUser(ctx, c.Value)
			if err != nil {
				s.Error(w, r, err)
				return
			}
			if u != nil {
				info.user, info.viaSession, info.session = u, true, c.Value
			}
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

// csrfProtect guards every form. A form token is an HMAC, under the
// session secret, of what identifies the browser to us: the session token
// when signed in, otherwise a random pre-session id kept in an HttpOnly
// cookie. A cross-site page can make the browser send its cookies but can
// neither read them nor compute the MAC. Binding to the session means a
// token obtained anonymously (say by an attacker who then plants the
// pre-session cookie in a victim's browser) is worthless once the victim
// signs in, and every token changes at sign-in, when the session does.
func (s *Server) csrfProtect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		binding := s.csrfBinding(w, r)
		r = r.WithContext(context.WithValue(r.Context(), csrfKey, binding))
		if !safeMethod(r.Method) {
			sent := r.Header.Get(csrfHeader)
			if sent == "" {
				if err := parseForm(r); err != nil {
					s.Error(w, r, err)
					return
				}
				sent = r.PostFormValue(csrfField)
			}
			if !hmac.Equal([]byte(sent), []byte(s.csrfFor(binding))) {
				s.Error(w, r, apperr.New(apperr.Forbidden, "This form has expired or did not come from this site. Go back, reload the page and try again."))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// csrfBinding is what the request's CSRF token must be bound to: its
// session, or else its pre-session id, which is issued here if missing.
func (s *Server) csrfBinding(w http.ResponseWriter, r *http.Request) string {
	if a := authFrom(r.Context()); a != nil && a.viaSession {
		return "session:" + a.session
	}
	if c, err := r.Cookie(s.cookieName(csrfCookie)); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
		return "anonymous:" + c.Value
	}
	return "anonymous:" + s.newCSRFSeed(w)
}

// apiCSRF requires the CSRF header on state-changing API calls made with a
// session cookie (from our own pages); token and anonymous calls carry no
// ambient credentials and need none.
func (s *Server) apiCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := authFrom(r.Context()); a != nil && a.viaSession && !safeMethod(r.Method) && !publicAPIWrite(r) {
			if !hmac.Equal([]byte(r.Header.Get(csrfHeader)), []byte(s.csrfFor("session:"+a.session))) {
				s.Error(w, r, apperr.New(apperr.Forbidden, "Send the X-CSRF-Token header with session-authenticated API calls, or use an API token."))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// parseForm parses a urlencoded or multipart body, so that a body over the
// size limit is answered with 413 rather than mistaken for a missing token.
// multipartMemory is how much of a multipart form's files is kept in
// memory; the rest of a file goes to a temporary file.
const multipartMemory = 64 << 10

func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// A small memory limit: files larger than this spool to temporary
		// files, so uploads cost disk, not memory. limitBody removes them
		// when the request ends (net/http would not: it sees only its own
		// request, not the copies middleware made).
		err = r.ParseMultipartForm(multipartMemory)
		rememberSpooled(r)
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

// newCSRFSeed issues a new pre-session id.
func (s *Server) newCSRFSeed(w http.ResponseWriter) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	seed := base64.RawURLEncoding.EncodeToString(b)
	s.setCookie(w, csrfCookie, seed, 0)
	return seed
}

func (s *Server) csrfFor(binding string) string {
	m := hmac.New(sha256.New, s.cfg.SessionSecret)
	fmt.Fprintf(m, "csrf:%s", binding)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken is the form token for the current request ("" outside the
// CSRF-protected areas).
func (s *Server) csrfToken(r *http.Request) string {
	binding, _ := r.Context().Value(csrfKey).(string)
	if binding == "" {
		return ""
	}
	return s.csrfFor(binding)
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
	// An address too long or not shaped like one gets the same answer as
	// a wrong password, from Authenticate, before it reaches a query.
	u, err := s.staff.Authenticate(r.Context(), email, password, clientIP(r), s.knownDevice(r, email))
	var throttled *staff.ThrottledError
	switch apperr.CodeOf(err) {
	case apperr.Internal:
		if err != nil {
			s.Error(w, r, err)
			return
		}
	case apperr.RateLimited:
		if errors.As(err, &throttled) {
			w.Header().Set("Retry-After", strconv.Itoa(int(throttled.Wait.Seconds())))
		}
		fail(http.StatusTooManyRequests, apperr.MessageOf(err))
		return
	default:
		fail(http.StatusUnauthorized, apperr.MessageOf(err))
		return
	}

	// A fresh session token and a fresh CSRF seed at sign-in: nothing an
	// attacker planted before sign-in survives it.
	if c, err := r.Cookie(s.cookieName(sessionCookie)); err == nil {
		_ = s.staff.DeleteSession(r.Context(), c.Value)
	}
	token, err := s.staff.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.setCookie(w, sessionCookie, token, 0)
	s.newCSRFSeed(w)
	s.setCookie(w, deviceCookie, s.deviceProof(u.Email), 365*24*3600)
	id := u.ID
	ctx := audit.WithActor(r.Context(), audit.Actor{UserID: &id, Label: u.Email, RequestID: requestIDFrom(r.Context())})
	if err := s.recordSimple(ctx, "session.login", "staff_user", fmt.Sprint(u.ID)); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.cookieName(sessionCookie)); err == nil {
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
	s.setCookie(w, sessionCookie, "", -1)
	s.setFlash(w, "You have signed out.")
	http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
}

// deviceProof is the device cookie for account: a random nonce and its
// MAC with the account, which only this server can make. It proves an
// earlier sign-in without identifying the device or holding a secret of
// the user's.
func (s *Server) deviceProof(account string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := base64.RawURLEncoding.EncodeToString(b)
	return nonce + "." + s.deviceMAC(account, nonce)
}

func (s *Server) deviceMAC(account, nonce string) string {
	m := hmac.New(sha256.New, s.cfg.SessionSecret)
	fmt.Fprintf(m, "device:%s:%s", strings.ToLower(strings.TrimSpace(account)), nonce)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// knownDevice returns the id (the nonce) of the request's device cookie
// if the cookie was issued for account, or "" if there is none or it was
// not. The sign-in throttle gives that device a budget of its own.
func (s *Server) knownDevice(r *http.Request, account string) string {
	c, err := r.Cookie(s.cookieName(deviceCookie))
	if err != nil {
		return ""
	}
	nonce, mac, ok := strings.Cut(c.Value, ".")
	if !ok || nonce == "" || !hmac.Equal([]byte(mac), []byte(s.deviceMAC(account, nonce))) {
		return ""
	}
	return nonce
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
	writeJSON(w, http.StatusOK, meJSON(u))
}
