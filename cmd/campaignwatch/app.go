package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/complaints/monitor"
	"github.com/campaignwatch/campaignwatch/complaints/review"
	"github.com/campaignwatch/campaignwatch/complaints/triage"
	"github.com/campaignwatch/campaignwatch/complaints/vocab"
	"github.com/campaignwatch/campaignwatch/internal/config"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/mail"
	"github.com/campaignwatch/campaignwatch/internal/metrics"
	"github.com/campaignwatch/campaignwatch/internal/staff"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/outreach"
	"github.com/campaignwatch/campaignwatch/reports"
	"github.com/campaignwatch/campaignwatch/web"
)

// app is the wired service: configuration, logger, database and the
// domain services built on them. Commands open the parts they need.
type app struct {
	cfg  *config.Config
	log  *slog.Logger
	pool *pgxpool.Pool
	// jobsPool is River's own pool (database.OpenJobs), for the client
	// that works jobs.
	jobsPool *pgxpool.Pool
	metrics  *metrics.Metrics
	staff    *staff.Service
	mailer   mail.Sender
	// rulebook is the triage policy in force (RULEBOOK or the default),
	// validated before anything else starts.
	rulebook *triage.Rulebook
	engine   *triage.Engine
	// Feature settings are read with the rest of the configuration so a
	// bad value stops every command at start-up, naming the variable.
	outreachSet outreach.Settings
	reportsSet  reports.Settings
	monitorSet  monitor.Settings
	outreach    *outreach.Service

	closeDB func(context.Context) error
}

// openApp loads the configuration and connects to the database, starting
// the private development cluster when DATABASE_URL is unset.
func openApp(ctx context.Context, e *env) (*app, error) {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: newLogger(e, cfg), metrics: metrics.New()}
	if a.rulebook, err = triage.LoadRulebookEnv(e.getenv); err != nil {
		return nil, err
	}
	if a.engine, err = triage.NewEngine(a.rulebook); err != nil {
		return nil, err
	}
	if a.outreachSet, err = outreach.SettingsFromEnv(e.getenv, cfg); err != nil {
		return nil, err
	}
	if a.reportsSet, err = reports.SettingsFromEnv(e.getenv); err != nil {
		return nil, err
	}
	if a.monitorSet, err = monitor.SettingsFromEnv(e.getenv); err != nil {
		return nil, err
	}
	a.monitorSet.MailFrom, a.monitorSet.BaseURL = cfg.MailFrom, cfg.BaseURL.String()
	if cfg.DevMode() {
		if err := cfg.EnsureSessionSecret(); err != nil {
			return nil, err
		}
	}
	db, err := database.Connect(ctx, cfg, a.log)
	if err != nil {
		return nil, err
	}
	a.pool, a.jobsPool, a.closeDB = db.Pool, db.JobsPool, db.Close
	// ISSUE-12 VOCAB (merger: keep this right after the database connects
	// when openApp moves to internal/app): a rulebook whose bands name a
	// priority the database's CHECK constraints refuse is refused here,
	// before any result could fail to be stored.
	if err := vocab.CheckRulebook(ctx, a.pool, a.rulebook); err != nil {
		a.Close()
		return nil, err
	}
	// Staff and outreach enqueue jobs in their own transactions through
	// an insert-only client; the client that works jobs is built later,
	// by the commands that need one.
	inserter, err := jobs.NewClient(a.pool, jobs.NewRegistry(), jobs.Options{})
	if err != nil {
		a.Close()
		return nil, err
	}
	a.staff = staff.NewService(a.pool, staff.Settings{}, inserter)
	sender, err := mail.New(cfg.SMTPURL, cfg.OutboxDir())
	if err != nil {
		a.Close()
		return nil, err
	}
	a.mailer = mail.Counting(sender, a.metrics.MailMessages)
	if a.outreach, err = outreach.NewService(a.pool, a.outreachSet, a.letterMailer(), inserter); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// Close releases the database, stopping the private cluster if this
// process started it.
func (a *app) Close() {
	if a.closeDB != nil {
		if err := a.closeDB(context.Background()); err != nil {
			a.log.Warn("closing the database", "err", err)
		}
	}
}

func newLogger(e *env, cfg *config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var h slog.Handler
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(e.stderr, opts)
	} else {
		h = slog.NewTextHandler(e.stderr, opts)
	}
	return slog.New(h)
}

// registry collects every feature's jobs. Later features add theirs here.
func (a *app) registry() *jobs.Registry {
	reg := jobs.NewRegistry()
	staff.RegisterJobs(reg, a.staff, a.mailer, a.cfg.MailFrom)
	outreach.RegisterJobs(reg, a.outreach, a.letterMailer())
	complaints.Register(reg, complaints.NewService(a.pool, nil), a.mailer, complaints.JobSettings{MailFrom: a.cfg.MailFrom, BaseURL: a.cfg.BaseURL.String(), RetentionDays: a.cfg.RetentionDays})
	review.Register(reg, review.NewPipeline(a.pool, a.engine))
	monitor.Register(reg, monitor.New(a.pool, a.monitorSet), a.mailer)
	web.RegisterComplaintDraftJobs(reg, a.pool)
	reports.Register(reg, reports.NewService(a.pool, nil, a.reportsSet))
	reports.RegisterFollowUps(reg, reports.NewFollowUps(reports.NewStore(a.pool), a.outreach), a.log)
	return reg
}

// ensureMigrated refuses to run on a database with pending migrations,
// unless migrate is set, in which case it applies them.
func (a *app) ensureMigrated(ctx context.Context, migrate bool) error {
	if migrate {
		_, err := database.Migrate(ctx, a.pool, a.log)
		return err
	}
	st, err := database.GetStatus(ctx, a.pool)
	if err != nil {
		return err
	}
	if !st.Current() {
		return fmt.Errorf("the database has %d pending migration(s) (River schema %d of %d); run 'campaignwatch migrate up' or pass --migrate",
			len(st.Pending), st.RiverApplied, st.RiverLatest)
	}
	return nil
}
