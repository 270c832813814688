package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/metrics"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
	"github.com/campaignwatch/campaignwatch/reports"
)

// Deps are what the web layer needs from the rest of the service. The web
// layer builds no service of its own: the composition root (internal/app)
// builds each one once and passes it here, so handlers and job workers
// share the same instances.
type Deps struct {
	Config *config.Config
	Pool   *pgxpool.Pool
	Staff  *staff.Service
	Jobs   *jobs.Client // nil disables River UI (e.g. in tests that need none)
	// Metrics records the HTTP figures and serves /metrics; required.
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Complaints receives complaints from the public form and the API;
	// nil leaves the complaint routes unmounted.
	Complaints *complaints.Service
	// Drafts keeps the evidence of the public form's unsent drafts.
	Drafts *complaints.DraftStore
	// Reports serves trend reports and exports; nil leaves them unmounted.
	Reports *reports.Service
	// ReportStore reads the complaint figures of the staff dashboard and
	// the follow-up reports.
	ReportStore *reports.Store
	// FollowUps drafts an election's follow-up letters; nil (or a nil
	// Outreach) makes drafting them answer that letters are unavailable.
	FollowUps *reports.FollowUps
	// Outreach is elections and letters; nil leaves their pages and API
	// unmounted.
	Outreach *outreach.Service
	// Parties is the party registry.
	Parties *parties.Store
	// Audits is the party audit programme; nil leaves its pages unmounted.
	Audits *audits.Service
	// Review is the triage queue and panel.
	Review *review.Service
	// Rulebook is the triage rulebook in force, shown to staff; nil
	// shows the embedded default.
	Rulebook *triage.Rulebook
	// Org gives the regulator's particulars in force: the public pages'
	// contact details and privacy notice; nil means organisation.Defaults.
	Org organisation.Source
	// OrgStore keeps the versions of the settings, edited on the admins'
	// settings page; nil leaves that page unmounted.
	OrgStore *organisation.Store
}

// Server holds the router and everything handlers share.
type Server struct {
	cfg     *config.Config
	pool    *pgxpool.Pool
	staff   *staff.Service
	jobs    *jobs.Client
	metrics *metrics.Metrics
	log     *slog.Logger

	complaints   *complaints.Service
	drafts       *complaints.DraftStore
	reports      *reports.Service
	reportsStore *reports.Store
	followUps    *reports.FollowUps
	outreach     *outreach.Service
	// complaintRate limits complaint submissions per IP address; the form
	// and the API share it (see complaintLimiter).
	complaintRate *ipLimiter
	// uploadRate limits evidence uploads per IP address: room for a full
	// set of files for every complaint the submission limit allows.
	uploadRate *ipLimiter
	// uploads counts the bytes of evidence uploads being received, against
	// UPLOAD_INFLIGHT_MB (see uploadGuard).
	uploads *byteBudget
	// imports counts the bytes of staff import uploads being received,
	// against IMPORT_INFLIGHT_MB (see importGuard).
	imports *byteBudget
	// ready is the last readiness answer, shared by the probes of one
	// READY_CACHE period (see handleReadyz).
	ready readyCache
	// parties is the party registry.
	parties *parties.Store
	// triage is the triage queue and panel.
	triage *review.Service
	// audits is the party audit programme (audits.go, audits_reports.go).
	audits *audits.Service
	// rulebook is the triage rulebook in force (see triage_rulebook.go).
	rulebook *triage.Rulebook
	// org gives the regulator's particulars in force, read at each
	// render (pages.go); orgStore keeps their versions (settings.go).
	org      organisation.Source
	orgStore *organisation.Store
	// letterPreviews holds the letter-template editor's previews (see
	// letter_templates.go).
	letterPreviews *previewStore

	pages  map[string]*template.Template
	assets *assetSet
	router *mux.Router
	// riverUI is started with the server and stopped with its context.
	riverUI interface {
		http.Handler
		Start(context.Context) error
	}
}

// New builds the server and its routes. It parses every template up front,
// so a broken template stops start-up instead of failing a request.
func New(d Deps) (*Server, error) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Metrics == nil {
		return nil, errors.New("web: Deps.Metrics is required")
	}
	s := &Server{cfg: d.Config, pool: d.Pool, staff: d.Staff, jobs: d.Jobs, metrics: d.Metrics, log: d.Logger,
		complaints: d.Complaints, drafts: d.Drafts, reports: d.Reports, reportsStore: d.ReportStore, followUps: d.FollowUps,
		parties: d.Parties, triage: d.Review}
	s.outreach = d.Outreach
	s.rulebook = d.Rulebook
	s.audits = d.Audits
	s.org, s.orgStore = d.Org, d.OrgStore
	if s.org == nil {
		s.org = organisation.Static{Settings: organisation.Defaults(nil)}
	}
	s.complaintRate = newIPLimiter(d.Config.ComplaintRate, d.Config.ComplaintBurst)
	s.uploads = &byteBudget{max: d.Config.UploadInflightBytes}
	s.imports = &byteBudget{max: d.Config.ImportInflightBytes}
	s.uploadRate = newIPLimiter(d.Config.ComplaintRate*complaints.MaxEvidenceFiles, d.Config.ComplaintBurst*complaints.MaxEvidenceFiles)
	var err error
	if s.assets, err = newAssetSet(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.funcs()); err != nil {
		return nil, err
	}
	if d.Jobs != nil {
		if s.riverUI, err = newRiverUI(d.Jobs, d.Logger); err != nil {
			return nil, fmt.Errorf("river UI: %w", err)
		}
	}
	s.router = s.routes()
	return s, nil
}

// Handler returns the root handler with the outer middleware applied.
func (s *Server) Handler() http.Handler { return s.withDeadline(s.wrap(s.router)) }

// Start starts background parts of the web layer (River UI's caches);
// they stop when ctx is done.
func (s *Server) Start(ctx context.Context) error {
	if s.riverUI != nil {
		return s.riverUI.Start(ctx)
	}
	return nil
}

// readTimeout is how long a client may take to send a whole request.
const readTimeout = 60 * time.Second

// HTTPServer returns an http.Server for addr with timeouts set so slow or
// idle clients cannot hold connections open indefinitely.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       readTimeout,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// sharedPages are parsed with every page: the layout, and the form parts
// (text inputs, date inputs) and charts several pages share, so their
// markup stays one.
var sharedPages = []string{"pages/layout.html", "pages/form_parts.html", "pages/chart_parts.html"}

func parsePages(funcs template.FuncMap) (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(pagesFS, sharedPages...)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(pagesFS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		if slices.Contains(sharedPages, n) {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(pagesFS, n)
		if err != nil {
			return nil, err
		}
		pages[n[len("pages/"):len(n)-len(".html")]] = t
	}
	if len(pages) == 0 {
		return nil, errors.New("no page templates found")
	}
	return pages, nil
}
