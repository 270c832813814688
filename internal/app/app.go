// Package app is campaignwatch's composition root: the one place that
// reads the configuration and builds the logger, the database pools, every
// service, the job registry, the River client and the web server, each
// exactly once, and hands them to whoever needs them.
//
// Every process runs the same App, in the style of the Main type of
// github.com/benbjohnson/wtf: `serve`, `worker`, each command-line command
// and the end-to-end tests (web/webtest) differ only in their Options and
// in which of the built parts they use. An App goes through three steps:
//
//	a, err := app.Load(opts) // configuration, logger, metrics: no I/O
//	err = a.Open(ctx)        // rulebook, settings, database, services, jobs, web
//	err = a.Start(ctx)       // job workers and the web server's background parts
//	...
//	err = a.Stop(ctx)        // let running jobs finish, then cancel the rest
//	a.Close()                // release the database
//
// A command that only needs the configuration (db) stops after Load; one
// that only reads or writes the database stops after Open.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/monitor"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/audits"
	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/metrics"
	"github.com/campaignwatch/campaignwatch/internal/organisation"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/outreach/parties"
	"github.com/campaignwatch/campaignwatch/reports"
	"github.com/campaignwatch/campaignwatch/web"
)

// Options say what kind of process the App is for.
type Options struct {
	// Getenv reads the configuration variables: os.Getenv in a process,
	// a map in tests. Nil means os.Getenv.
	Getenv func(string) string
	// LogOutput is where the log is written (standard error); nil means
	// os.Stderr.
	LogOutput io.Writer
	// Logger, when set, replaces the logger built from LOG_LEVEL and
	// LOG_FORMAT, so tests can route the log to t.Log.
	Logger *slog.Logger
	// DatabaseURL, when set, is the database Open connects to instead of
	// DATABASE_URL or the private development cluster. The configuration
	// stays as Getenv gave it (development mode when DATABASE_URL is
	// unset), which is how webtest runs the application on a test
	// database with development settings.
	DatabaseURL string
	// WorkJobs makes the River client work jobs, as serve and worker do.
	// Without it the client only inserts them: a command-line command
	// enqueues work for the workers but must not take any from the queue.
	WorkJobs bool
	// Web builds the web server (serve, webtest).
	Web bool
	// WithoutRiverUI leaves River UI off the web server. Its caches poll
	// the database, which tests of other features do not need.
	WithoutRiverUI bool
}

// App is the wired application. Its fields are set by Load and Open and
// are read-only afterwards; a nil field is a part this process did not
// build (Web without Options.Web).
type App struct {
	opts Options

	// Set by Load.
	Config  *config.Config
	Logger  *slog.Logger
	Metrics *metrics.Metrics

	// Set by Open. The rulebook and the feature settings are read with
	// the rest of the configuration, so a bad value stops every command at
	// start-up, naming the variable, before the database is touched.
	Rulebook *triage.Rulebook
	Engine   *triage.Engine
	// OutreachSettings, ReportsSettings and MonitorSettings are the
	// features' settings from their environment variables.
	OutreachSettings outreach.Settings
	// Org is the regulator's particulars in force, shared by letters,
	// reports and the public pages.
	Org organisation.Source
	// OrgStore keeps the versions of those particulars; admins edit them
	// on the settings page.
	OrgStore        *organisation.Store
	ReportsSettings reports.Settings
	MonitorSettings monitor.Settings

	// Pool is the service's pool; JobsPool is River's own
	// (database.OpenJobs), used by a client that works jobs.
	Pool     *pgxpool.Pool
	JobsPool *pgxpool.Pool

	// Mailer sends notifications (acknowledgements, alerts, digests),
	// counted in the mail metrics.
	Mailer mail.Sender
	// LetterMailer sends letters: one sender per mail worker (see
	// letterMailer).
	LetterMailer mail.Sender

	// Registry holds every feature's workers and periodic jobs; Jobs is
	// the one River client, built on it.
	Registry *jobs.Registry
	Jobs     *jobs.Client

	Staff      *staff.Service
	Complaints *complaints.Service
	// Drafts keeps the public form's unsent evidence (complaint_drafts).
	Drafts      *complaints.DraftStore
	Outreach    *outreach.Service
	Parties     *parties.Store
	Reports     *reports.Service
	ReportStore *reports.Store
	FollowUps   *reports.FollowUps
	Review      *review.Service
	Pipeline    *review.Pipeline
	Monitor     *monitor.Monitor
	// Audits is the party audit programme.
	Audits *audits.Service
	// TriageSource reads elections, parties and sender counts for triage
	// outside the pipeline (the triage command).
	TriageSource complaints.TriageSource

	Web *web.Server

	db      *database.DB
	started bool
	stopWeb context.CancelFunc
}

// Load reads the configuration and builds the logger and the metrics: all
// that a command needs before, or without, the database.
func Load(opts Options) (*App, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.LogOutput == nil {
		opts.LogOutput = os.Stderr
	}
	cfg, err := config.Load(opts.Getenv)
	if err != nil {
		return nil, err
	}
	a := &App{opts: opts, Config: cfg, Logger: opts.Logger, Metrics: metrics.New()}
	if a.Logger == nil {
		a.Logger = newLogger(opts.LogOutput, cfg)
	}
	return a, nil
}

// newLogger is the process's logger: LOG_LEVEL and LOG_FORMAT, written
// to w.
func newLogger(w io.Writer, cfg *config.Config) *slog.Logger {
	o := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// LoadRulebook reads the rulebook in force (RULEBOOK, or the embedded
// default) and validates it by building its engine. It is the one place a
// rulebook is checked at start-up: Open calls it for every command and
// for serve, and the triage command calls it alone for --no-db, so every
// path refuses the same rulebooks with the same message.
func LoadRulebook(getenv func(string) string) (*triage.Rulebook, *triage.Engine, error) {
	rb, err := triage.LoadRulebookEnv(getenv)
	if err != nil {
		return nil, nil, err
	}
	engine, err := triage.NewEngine(rb)
	if err != nil {
		return nil, nil, err
	}
	// The rulebook's priorities are checked against the database's
	// constraints once the schema is current (EnsureMigrated).
	return rb, engine, nil
}

// Open reads the rulebook and the feature settings, connects to the
// database (starting the private cluster in development mode) and builds
// every service, the job registry, the River client and, with
// Options.Web, the web server. Nothing runs yet: see Start. The database
// need not be migrated; see EnsureMigrated.
func (a *App) Open(ctx context.Context) error {
	if err := a.loadSettings(); err != nil {
		return err
	}
	if a.Config.DevMode() {
		if err := a.Config.EnsureSessionSecret(); err != nil {
			return err
		}
	}
	dbCfg := a.Config
	if a.opts.DatabaseURL != "" {
		c := *a.Config
		c.DatabaseURL = a.opts.DatabaseURL
		dbCfg = &c
	}
	db, err := database.Connect(ctx, dbCfg, a.Logger)
	if err != nil {
		return err
	}
	a.db, a.Pool, a.JobsPool = db, db.Pool, db.JobsPool
	if err := a.build(); err != nil {
		a.Close()
		return err
	}
	return nil
}

func (a *App) loadSettings() error {
	var err error
	if a.Rulebook, a.Engine, err = LoadRulebook(a.opts.Getenv); err != nil {
		return err
	}
	if a.OutreachSettings, err = outreach.SettingsFromEnv(a.opts.Getenv, a.Config); err != nil {
		return err
	}
	if a.ReportsSettings, err = reports.SettingsFromEnv(a.opts.Getenv); err != nil {
		return err
	}
	if a.MonitorSettings, err = monitor.SettingsFromEnv(a.opts.Getenv); err != nil {
		return err
	}
	a.MonitorSettings.MailFrom, a.MonitorSettings.BaseURL = a.Config.MailFrom, a.Config.BaseURL.String()
	return nil
}

// build wires the services on the open pool.
//
// The River client comes first, before the services, and the workers
// after them. Services that enqueue jobs (complaints, reports exports)
// need the client; workers need the services; and River needs its
// workers only when the client starts. So the registry is made empty,
// the client built on it, the services built with the client, and then
// every feature registers its workers and periodic jobs on the same
// registry, before Start (jobs.Registry). Web handlers and workers thus
// share one instance of each service and one client, and no service is
// built with a nil client for want of one. A job's own follow-up work
// may still use the job's client (river.ClientFromContext), which is
// this same client.
func (a *App) build() error {
	cfg := a.Config
	a.Registry = jobs.NewRegistry()
	opts := jobs.Options{Logger: a.Logger}
	if a.opts.WorkJobs {
		opts.Workers, opts.JobTimeout, opts.RescueStuckJobsAfter = cfg.Workers, cfg.JobTimeout, cfg.JobRescueAfter
		opts.Metrics, opts.RiverPool = a.Metrics, a.JobsPool
	}
	var err error
	if a.Jobs, err = jobs.NewClient(a.Pool, a.Registry, opts); err != nil {
		return err
	}

	sender, err := mail.New(cfg.SMTPURL, cfg.OutboxDir())
	if err != nil {
		return err
	}
	a.Mailer = mail.Counting(sender, a.Metrics.MailMessages)
	a.LetterMailer = a.letterMailer()

	a.Staff = staff.NewService(a.Pool, staff.Settings{}, a.Jobs)
	// The settings in force are the latest saved version; the environment
	// (LETTER_SIGNATORY_*, LETTER_CONTACT_MAILBOX) only seeds the first.
	a.OrgStore = organisation.NewStore(a.Pool, organisation.Defaults(a.opts.Getenv))
	a.Org = a.OrgStore
	a.OutreachSettings.Org, a.ReportsSettings.Org = a.Org, a.Org
	// Intake refers out-of-scope complaints with the triage engine in
	// force, so the complainant is told where to go by the rules triage
	// itself applies.
	a.Complaints = complaints.NewService(a.Pool, a.Jobs, complaints.WithReferrer(complaints.TriageReferrer{Engine: a.Engine}))
	a.Drafts = complaints.NewDraftStore(a.Pool)
	// The letter service sends staff's test copies on a sender pool of
	// its own, so a test copy never waits for a mail worker's connection.
	if a.Outreach, err = outreach.NewService(a.Pool, a.OutreachSettings, a.letterMailer(), a.Jobs); err != nil {
		return err
	}
	// A guidance document a letter template cites cannot be removed from
	// the settings while the template still cites it.
	a.OrgStore.CheckWith(a.Outreach.CheckSettings)
	a.Parties = parties.NewStore(a.Pool)
	a.Reports = reports.NewService(a.Pool, a.Jobs, a.ReportsSettings)
	a.ReportStore = a.Reports.Store
	a.FollowUps = reports.NewFollowUps(a.ReportStore, a.Outreach)
	a.Review = review.NewService(a.Pool, a.knownProvision())
	a.Pipeline = review.NewPipeline(a.Pool, a.Engine)
	a.Monitor = monitor.New(a.Pool, a.MonitorSettings)
	a.Monitor.UseJobs(a.Jobs)
	a.TriageSource = complaints.TriageSource{Pool: a.Pool}
	a.Audits = audits.NewService(a.Pool, a.Jobs, a.Outreach, audits.Settings{
		Known: a.knownIDs(), Org: a.Org, MailFrom: cfg.MailFrom, BaseURL: cfg.BaseURL.String(), DigestHour: a.MonitorSettings.DigestHour,
	})
	// The election reminder mentions each party's own open audit
	// recommendations: the letters are built before the programme, which
	// drafts letters of its own, so the hook is set once both exist.
	a.Outreach.UsePartyFields(a.Audits.ReminderFields)
	// A party's post-election report checks the complaints against its
	// open recommendations.
	a.ReportStore.UseAudits(a.Audits.ReportRecommendations)

	a.registerJobs()

	if a.opts.Web {
		deps := web.Deps{Config: cfg, Pool: a.Pool, Staff: a.Staff, Metrics: a.Metrics, Logger: a.Logger,
			Complaints: a.Complaints, Drafts: a.Drafts, Reports: a.Reports, ReportStore: a.ReportStore, FollowUps: a.FollowUps,
			Outreach: a.Outreach, Parties: a.Parties, Review: a.Review, Rulebook: a.Rulebook, Org: a.Org,
			OrgStore: a.OrgStore, Audits: a.Audits}
		if !a.opts.WithoutRiverUI {
			deps.Jobs = a.Jobs
		}
		if a.Web, err = web.New(deps); err != nil {
			return err
		}
	}
	return nil
}

// registerJobs adds every feature's workers and periodic jobs to the
// registry. A new feature adds its own here.
func (a *App) registerJobs() {
	cfg, reg := a.Config, a.Registry
	staff.RegisterJobs(reg, a.Staff, a.Mailer, cfg.MailFrom)
	outreach.RegisterJobs(reg, a.Outreach, a.LetterMailer)
	complaints.Register(reg, a.Complaints, a.Mailer, complaints.JobSettings{MailFrom: cfg.MailFrom, BaseURL: cfg.BaseURL.String(), RetentionDays: cfg.RetentionDays})
	review.Register(reg, a.Pipeline)
	monitor.Register(reg, a.Monitor, a.Mailer)
	complaints.RegisterDraftJobs(reg, a.Drafts)
	reports.Register(reg, a.Reports)
	reports.RegisterFollowUps(reg, a.FollowUps, a.Logger)
	audits.RegisterJobs(reg, a.Audits)
}

// knownProvision checks the provision ids officers give in triage
// overrides against the rulebook in force, not the embedded default, so
// officers choose from the provisions the triage itself uses.
func (a *App) knownProvision() func(string) bool {
	ids := map[string]bool{}
	for _, p := range a.Rulebook.Provisions {
		ids[p.ID] = true
	}
	return func(id string) bool { return ids[id] }
}

// knownIDs gives the audit programme the provision and guidance ids of
// the rulebook in force, so recommendations cite what triage cites.
func (a *App) knownIDs() audits.Known {
	k := audits.Known{}
	prov, guid := map[string]bool{}, map[string]bool{}
	for _, p := range a.Rulebook.Provisions {
		prov[p.ID] = true
		k.ProvisionIDs = append(k.ProvisionIDs, p.ID)
	}
	for _, g := range a.Rulebook.Guidance {
		guid[g.ID] = true
		k.GuidanceIDs = append(k.GuidanceIDs, g.ID)
	}
	k.Provision = func(id string) bool { return prov[id] }
	k.Guidance = func(id string) bool { return guid[id] }
	return k
}

// letterMailer builds one sender per mail worker, so WORKERS_MAIL workers
// really send in parallel, each counted in the mail metrics.
func (a *App) letterMailer() mail.Sender {
	cfg := a.Config
	return outreach.NewSenderPool(cfg.Workers[jobs.QueueMail], func() (mail.Sender, error) {
		var s mail.Sender
		var err error
		if cfg.SMTPURL != "" {
			// Each mail worker keeps its connection open between letters.
			s, err = mail.NewSMTP(cfg.SMTPURL, mail.WithKeepAlive(letterKeepAlive))
		} else {
			s, err = mail.NewOutbox(cfg.OutboxDir())
		}
		if err != nil {
			return nil, err
		}
		return mail.Counting(s, a.Metrics.MailMessages), nil
	})
}

// letterKeepAlive is how long a mail worker's idle SMTP connection stays
// open: long enough to carry a batch, short enough not to hold a relay's
// connection slot between elections.
const letterKeepAlive = 30 * time.Second

// EnsureMigrated refuses to run on a database with pending migrations,
// unless migrate is set, in which case it applies them.
//
// On a current schema it then checks the rulebook against the database: a
// rulebook whose bands name a priority the schema's CHECK constraints
// refuse is refused here, before anything starts and before any triage
// result could fail to be stored (the checks that need no database run in
// LoadRulebook). The check waits for the migrations, so a release that
// changes the priorities together with their migration can still migrate.
func (a *App) EnsureMigrated(ctx context.Context, migrate bool) error {
	if migrate {
		if _, err := database.Migrate(ctx, a.Pool, a.Logger); err != nil {
			return err
		}
	} else {
		st, err := database.GetStatus(ctx, a.Pool)
		if err != nil {
			return err
		}
		if !st.Current() {
			return fmt.Errorf("the database has %d pending migration(s) (River schema %d of %d); run 'campaignwatch migrate up' or pass --migrate",
				len(st.Pending), st.RiverApplied, st.RiverLatest)
		}
	}
	if err := vocab.CheckRulebook(ctx, a.Pool, a.Rulebook); err != nil {
		return err
	}
	// The organisation settings' first version, from the defaults, unless
	// one is stored (`migrate up` does the same).
	return a.OrgStore.Seed(ctx)
}

// Start starts the job workers (Options.WorkJobs) and the web server's
// background parts (Options.Web). Workers stop only through Stop, so that
// running jobs can finish after a shutdown signal: pass a context that
// outlives the signal (context.WithoutCancel).
func (a *App) Start(ctx context.Context) error {
	if a.opts.WorkJobs {
		if err := a.Jobs.Start(ctx); err != nil {
			return fmt.Errorf("start job workers: %w", err)
		}
		a.started = true
	}
	if a.Web != nil {
		webCtx, stop := context.WithCancel(ctx)
		a.stopWeb = stop
		if err := a.Web.Start(webCtx); err != nil {
			return err
		}
	}
	return nil
}

// Stop lets running jobs finish until ctx is done (SHUTDOWN_TIMEOUT in
// serve), then cancels what is left, which River retries later, so no work
// is lost; and it stops the web server's background parts. Stop the HTTP
// listeners first, so no new work arrives meanwhile.
func (a *App) Stop(ctx context.Context) error {
	if a.stopWeb != nil {
		defer a.stopWeb()
	}
	if !a.started {
		return nil
	}
	a.started = false
	if err := a.Jobs.Stop(ctx); err != nil {
		a.Logger.Warn("jobs still running at the shutdown timeout; cancelling them", "err", err)
		cancelCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.Jobs.StopAndCancel(cancelCtx); err != nil {
			return fmt.Errorf("stop job workers: %w", err)
		}
	}
	return nil
}

// Close releases the database, stopping the private cluster if this
// process started it.
func (a *App) Close() {
	if a.db == nil {
		return
	}
	if err := a.db.Close(context.Background()); err != nil {
		a.Logger.Warn("closing the database", "err", err)
	}
	a.db = nil
}
