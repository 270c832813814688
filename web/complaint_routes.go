package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/web/complaintform"
)

// registerComplaintRoutes adds everything about complaints: the public
// form (package complaintform), the JSON API and the staff pages.
func (s *Server) registerComplaintRoutes(r, api, st *mux.Router) {
	if s.complaints == nil {
		return
	}
	rb := s.rulebook
	if rb == nil {
		var err error
		if rb, err = triage.DefaultRulebook(); err != nil {
			panic(err) // embedded and tested: a broken one is a build error
		}
	}
	if err := complaintform.Register(r, formHost{s}, complaintform.Deps{
		Config: s.cfg, Logger: s.log, Complaints: s.complaints, Drafts: s.drafts, Parties: s.parties,
		// The confirmation page words a referral as the rulebook in force
		// (the triage engine's) does.
		Referral: rb.Referral,
		// The confirmation page says how to contact the regulator, from
		// the settings in force.
		Org: s.org,
	}); err != nil {
		panic(err) // templates are embedded: a broken one is a build error
	}

	api.Handle("/complaints", s.complaintLimiter(http.HandlerFunc(s.handleCreateComplaintAPI))).Methods(http.MethodPost)
	api.Handle("/complaints", s.allowFunc(anyStaff, s.handleListComplaintsAPI)).Methods(http.MethodGet)
	api.Handle("/complaints/{reference}", s.allowFunc(anyStaff, s.handleComplaint)).Methods(http.MethodGet)

	// The upload has a larger body limit than the other staff pages, and
	// its role is checked before the body is read (importRoute).
	imp := r.PathPrefix("/staff/complaints/import").Subrouter()
	imp.Handle("", s.importRoute(complaintImportRoles, complaintImportBodyLimit, s.csrfProtect, s.handleComplaintImportForm)).Methods(http.MethodGet)
	imp.Handle("", s.importRoute(complaintImportRoles, complaintImportBodyLimit, s.csrfProtect, s.handleComplaintImport)).Methods(http.MethodPost)

	st.Handle("/complaints", s.allowFunc(anyStaff, s.handleComplaintsList)).Methods(http.MethodGet)
	st.Handle("/complaints/{reference:CW-[A-Z0-9]{4}-[A-Z0-9]{4}}", s.allowFunc(anyStaff, s.handleComplaint)).Methods(http.MethodGet)
	st.Handle("/complaints/{reference:CW-[A-Z0-9]{4}-[A-Z0-9]{4}}/evidence/{id:[0-9]+}", s.allowFunc(complaintDetailRoles, s.handleComplaintEvidence)).Methods(http.MethodGet)
}

// formHost is the site's side of the public form: the layout, cookies,
// middleware and limits it shares with every other page
// (complaintform.Host).
type formHost struct{ s *Server }

func (h formHost) ParsePage(funcs template.FuncMap, fsys fs.FS, patterns ...string) (*template.Template, error) {
	return h.s.parsePage(funcs, fsys, patterns...)
}

func (h formHost) Render(w http.ResponseWriter, r *http.Request, status int, name string, t *template.Template, lang string, errs []apperr.FieldError, data any) {
	h.s.renderTemplate(w, r, status, name, t, page{Lang: lang, Errors: errs, Data: data})
}

func (h formHost) Error(w http.ResponseWriter, r *http.Request, err error) { h.s.Error(w, r, err) }

func (h formHost) Lang(w http.ResponseWriter, r *http.Request) string { return h.s.requestLang(w, r) }

func (h formHost) Translate(lang, key string, args ...any) string {
	return translate(lang, key, args...)
}

func (h formHost) LimitBody(n int64) mux.MiddlewareFunc { return h.s.limitBody(n) }

func (h formHost) CSRF(next http.Handler) http.Handler { return h.s.csrfProtect(next) }

func (h formHost) ParseForm(r *http.Request) error { return parseForm(r) }

func (h formHost) SetCookie(w http.ResponseWriter, name, value string, maxAge int) {
	h.s.setCookie(w, name, value, maxAge)
}

// Cookie reads a cookie set by SetCookie. Over https a cookie with the
// bare name is ignored: it may have been planted.
func (h formHost) Cookie(r *http.Request, name string) (*http.Cookie, error) {
	return r.Cookie(h.s.cookieName(name))
}

func (h formHost) ClientIP(r *http.Request) string  { return clientIP(r) }
func (h formHost) ClientNet(r *http.Request) string { return clientNet(r) }
func (h formHost) RequestID(r *http.Request) string { return requestIDFrom(r.Context()) }
func (h formHost) RouteName(r *http.Request) string { return routeName(r) }

// AllowComplaint takes a token from the per-IP bucket the form shares with
// the JSON API (COMPLAINT_RATE, COMPLAINT_BURST).
func (h formHost) AllowComplaint(r *http.Request) (bool, time.Duration) {
	if h.s.complaintRate == nil {
		return true, 0
	}
	return h.s.complaintRate.allow(clientIP(r), time.Now())
}

// AllowUpload takes a token from the per-IP bucket of evidence uploads:
// room for a full set of files for every complaint the submission limit
// allows.
func (h formHost) AllowUpload(r *http.Request) (bool, time.Duration) {
	return h.s.uploadRate.allow(clientIP(r), time.Now())
}

// ReserveUpload counts n bytes against UPLOAD_INFLIGHT_MB.
func (h formHost) ReserveUpload(n int64) (func(), bool) {
	if !h.s.uploads.take(n) {
		return nil, false
	}
	return func() { h.s.uploads.give(n) }, true
}

// EvidenceCharge is whom the request's public evidence counts against:
// the same keys and limits for the form's uploads and the API's inline
// files, or one would be the way round the other.
func (h formHost) EvidenceCharge(r *http.Request) complaints.EvidenceCharge {
	return h.s.evidenceCharge(r)
}

func (s *Server) evidenceCharge(r *http.Request) complaints.EvidenceCharge {
	return complaints.EvidenceCharge{ClientKey: s.clientKey(r), NetKey: s.netKey(r), Quota: s.draftQuota()}
}

// clientKey is what the evidence a client uploads is counted under for
// its quota: a keyed hash of its address, so the draft table holds no
// network addresses.
func (s *Server) clientKey(r *http.Request) []byte {
	m := hmac.New(sha256.New, s.cfg.SessionSecret)
	m.Write([]byte("complaint-draft:client:"))
	m.Write([]byte(clientIP(r)))
	return m.Sum(nil)
}

// netKey is what an IPv6 client's evidence is also counted under: a keyed
// hash of its /48, so one allocation cannot take the whole store by
// spreading over its /64s. It is nil for IPv4.
func (s *Server) netKey(r *http.Request) []byte {
	n := clientNet(r)
	if n == "" {
		return nil
	}
	m := hmac.New(sha256.New, s.cfg.SessionSecret)
	m.Write([]byte("complaint-draft:net48:"))
	m.Write([]byte(n))
	return m.Sum(nil)
}

// draftQuota is the configured limit on evidence of unsent drafts.
func (s *Server) draftQuota() complaints.DraftQuota {
	return complaints.DraftQuota{DraftBytes: s.cfg.EvidenceDraftBytes, ClientBytes: s.cfg.EvidenceClientBytes,
		NetBytes: s.cfg.EvidenceNet48Bytes, TotalBytes: s.cfg.EvidenceTotalBytes, DayBytes: s.cfg.EvidenceDailyBytes}
}
