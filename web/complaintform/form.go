package complaintform

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/apperr"
	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
)

//go:embed pages/*.html
var pagesFS embed.FS

// Host is what the form takes from the site that mounts it (package web):
// the shared page layout, middleware and request facts, and the limits
// the form shares with the rest of the site.
type Host interface {
	// ParsePage parses files (patterns in fsys) inside the site's layout,
	// with funcs added to the layout's template functions.
	ParsePage(funcs template.FuncMap, fsys fs.FS, patterns ...string) (*template.Template, error)
	// Render writes page (named name, for logs) in the layout with status,
	// the page's language, its errors and its data.
	Render(w http.ResponseWriter, r *http.Request, status int, name string, page *template.Template, lang string, errs []apperr.FieldError, data any)
	// Error answers with the site's error page for err.
	Error(w http.ResponseWriter, r *http.Request, err error)
	// Lang is the language of a public page (?lang=, else the cookie).
	Lang(w http.ResponseWriter, r *http.Request) string
	// Translate is the site's own wording (the layout's), in lang.
	Translate(lang, key string, args ...any) string
	// LimitBody caps a request's body at n bytes.
	LimitBody(n int64) mux.MiddlewareFunc
	// CSRF refuses a POST without the form's token.
	CSRF(next http.Handler) http.Handler
	// ParseForm parses a urlencoded or multipart body with the site's
	// small memory limit, spooling files to disk.
	ParseForm(r *http.Request) error
	// SetCookie and Cookie set and read one of the site's cookies by its
	// base name (with the __Host- prefix over https).
	SetCookie(w http.ResponseWriter, name, value string, maxAge int)
	Cookie(r *http.Request, name string) (*http.Cookie, error)
	// ClientIP is the client's address; ClientNet its IPv6 /48, or "".
	ClientIP(r *http.Request) string
	ClientNet(r *http.Request) string
	// RequestID and RouteName identify the request in logs.
	RequestID(r *http.Request) string
	RouteName(r *http.Request) string
	// AllowComplaint takes a token from the per-address bucket the form
	// shares with the JSON API; AllowUpload from the evidence uploads'.
	AllowComplaint(r *http.Request) (bool, time.Duration)
	AllowUpload(r *http.Request) (bool, time.Duration)
	// ReserveUpload reserves n bytes of the evidence uploads being
	// received at once (UPLOAD_INFLIGHT_MB); release gives them back.
	ReserveUpload(n int64) (release func(), ok bool)
	// EvidenceCharge is whom the request's evidence counts against: keyed
	// hashes of its address and /48, and the configured limits. The JSON
	// API charges its inline evidence to the same.
	EvidenceCharge(r *http.Request) complaints.EvidenceCharge
}

// Submitter sends a complaint (complaints.Service).
type Submitter interface {
	Submit(ctx context.Context, sub complaints.Submission, meta complaints.Meta) (complaints.Receipt, error)
}

// DraftStore keeps the evidence files of drafts (complaints.DraftStore).
type DraftStore interface {
	Files(ctx context.Context, key []byte) ([]complaints.DraftFile, error)
	Add(ctx context.Context, up complaints.DraftUpload, q complaints.DraftQuota) error
	Remove(ctx context.Context, key []byte, id int64) error
}

// Deps are the services the form uses.
type Deps struct {
	Config     *config.Config
	Logger     *slog.Logger
	Complaints Submitter
	Drafts     DraftStore
	// Parties lists the registered parties offered on the party page.
	Parties PartyLister
	// Referral looks up the triage rulebook's referral with id (the
	// rulebook in force's Referral): the body the confirmation page names
	// when what was reported is for someone else. Nil shows no referral.
	Referral func(id string) (triage.Referral, bool)
	// Org gives the regulator's particulars in force, read when the
	// confirmation page is shown, so it says how to contact the regulator
	// as the settings say now. Nil leaves that block out.
	Org organisation.Source
}

// form serves the form's pages.
type form struct {
	host       Host
	cfg        *config.Config
	log        *slog.Logger
	complaints Submitter
	drafts     DraftStore
	parties    PartyLister
	referral   func(id string) (triage.Referral, bool)
	org        organisation.Source
	pages      map[string]*template.Template
}

// Register adds the public form's routes to r. Each route has its own
// body limit: 64 KB for answers, more for the page with the long texts,
// and a little over 10 MB for evidence uploads. CSRF protection wraps
// every route, so every POST needs the form's token.
func Register(r *mux.Router, host Host, d Deps) error {
	f := &form{host: host, cfg: d.Config, log: d.Logger, complaints: d.Complaints, drafts: d.Drafts, parties: d.Parties,
		referral: d.Referral, org: d.Org}
	if err := f.parsePages(); err != nil {
		return err
	}
	wrap := func(limit int64, h http.HandlerFunc) http.Handler {
		return host.LimitBody(limit)(host.CSRF(h))
	}
	get, post := http.MethodGet, http.MethodPost
	r.Handle("/complaints", http.RedirectHandler("/complaints/new", http.StatusSeeOther)).Methods(get)
	for _, step := range questionSteps {
		limit := int64(formBodyLimit)
		if step == stepMessage {
			limit = messageBodyLimit
		}
		r.Handle(stepPath(step), wrap(limit, f.complaintStep(step))).Methods(get, post)
	}
	r.Handle(stepPath(stepEvidence), wrap(formBodyLimit, f.handleEvidencePage)).Methods(get)
	r.Handle(stepPath(stepEvidence), f.uploadGuard(wrap(uploadBodyLimit, f.handleEvidenceUpload))).Methods(post)
	r.Handle(stepPath(stepEvidence)+"/remove", wrap(formBodyLimit, f.handleEvidenceRemove)).Methods(post)
	r.Handle(stepPath(stepCheck), wrap(formBodyLimit, f.handleCheckAnswers)).Methods(get)
	r.Handle(stepPath(stepCheck), wrap(formBodyLimit, f.handleComplaintSend)).Methods(post)
	r.Handle("/complaints/new/confirmation", wrap(formBodyLimit, f.handleComplaintConfirmation)).Methods(get)
	return nil
}

// parsePages parses each of the form's pages with the shared form
// partials, which a page file alone cannot see, inside the site's layout.
// The pages' "t" looks in the form's catalogue first and then in the
// site's, whose wording the layout uses.
func (f *form) parsePages() error {
	names, err := fs.Glob(pagesFS, "pages/complaint_*.html")
	if err != nil {
		return err
	}
	funcs := template.FuncMap{"t": func(lang, key string, args ...any) string {
		if catalogue.Has(key) {
			return translate(lang, key, args...)
		}
		return f.host.Translate(lang, key, args...)
	}}
	f.pages = map[string]*template.Template{}
	for _, n := range names {
		if n == "pages/complaint_partials.html" {
			continue
		}
		t, err := f.host.ParsePage(funcs, pagesFS, "pages/complaint_partials.html", n)
		if err != nil {
			return err
		}
		f.pages[strings.TrimSuffix(strings.TrimPrefix(n, "pages/"), ".html")] = t
	}
	return nil
}
