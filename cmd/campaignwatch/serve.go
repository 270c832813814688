package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/campaignwatch/campaignwatch/complaints"
	"github.com/campaignwatch/campaignwatch/jobs"
	"github.com/campaignwatch/campaignwatch/web"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "serve [--migrate]")
	migrate := fs.Bool("migrate", false, "apply pending migrations before starting")
	if err := parse(fs, args); err != nil {
		return err
	}
	return serve(ctx, e, *migrate, true)
}

func cmdWorker(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "worker", "worker [--migrate]")
	migrate := fs.Bool("migrate", false, "apply pending migrations before starting")
	if err := parse(fs, args); err != nil {
		return err
	}
	return serve(ctx, e, *migrate, false)
}

// serve runs the job workers and, with withHTTP, the web server, until ctx
// is cancelled (SIGINT/SIGTERM). Shutdown order matters: stop taking HTTP
// requests, then let running jobs finish within SHUTDOWN_TIMEOUT, then
// cancel what is left. Cancelled jobs are retried later by River, so no
// work is lost.
func serve(ctx context.Context, e *env, migrate, withHTTP bool) error {
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.ensureMigrated(ctx, migrate); err != nil {
		return err
	}

	client, err := jobs.NewClient(a.pool, a.registry(), jobs.Options{
		Workers: a.cfg.Workers, JobTimeout: a.cfg.JobTimeout, RescueStuckJobsAfter: a.cfg.JobRescueAfter, Logger: a.log, Metrics: a.metrics,
		RiverPool: a.jobsPool,
	})
	if err != nil {
		return err
	}
	// Workers run on a context of their own: they must outlive the signal
	// so running jobs can finish.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job workers: %w", err)
	}

	var srv *http.Server
	serveErr := make(chan error, 2)
	// The metrics listener runs in worker processes too: their job
	// figures are worth scraping.
	var metricsSrv *http.Server
	if a.cfg.MetricsAddr != "" {
		ln, err := net.Listen("tcp", a.cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on METRICS_ADDR %s: %w", a.cfg.MetricsAddr, err)
		}
		metricsSrv = a.metrics.Server(a.cfg.MetricsAddr, a.cfg.MetricsToken)
		go func() { serveErr <- metricsSrv.Serve(ln) }()
		a.log.Info("serving metrics", "addr", ln.Addr().String(), "token", a.cfg.MetricsToken != "")
	}
	if withHTTP {
		rs, err := a.reportsService(e, client)
		if err != nil {
			return err
		}
		w, err := web.New(web.Deps{Config: a.cfg, Pool: a.pool, Staff: a.staff, Jobs: client, Metrics: a.metrics, Logger: a.log,
			Complaints: complaints.NewService(a.pool, client), Reports: rs, Rulebook: a.rulebook, Outreach: a.outreach})
		if err != nil {
			return err
		}
		webCtx, stopWeb := context.WithCancel(context.WithoutCancel(ctx))
		defer stopWeb()
		if err := w.Start(webCtx); err != nil {
			return err
		}
		ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on HTTP_ADDR %s: %w", a.cfg.HTTPAddr, err)
		}
		srv = w.HTTPServer(a.cfg.HTTPAddr)
		go func() { serveErr <- srv.Serve(ln) }()
		a.log.Info("serving", "url", a.cfg.BaseURL.String(), "addr", ln.Addr().String())
		fmt.Fprintf(e.stdout, "campaignwatch is serving at %s\n", a.cfg.BaseURL)
	} else {
		a.log.Info("workers running")
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("HTTP server: %w", err)
		}
	}
	a.log.Info("shutting down", "timeout", a.cfg.ShutdownTimeout.String())

	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	for _, s := range []*http.Server{srv, metricsSrv} {
		if s == nil {
			continue
		}
		if err := s.Shutdown(shutdownCtx); err != nil {
			a.log.Warn("HTTP shutdown incomplete", "addr", s.Addr, "err", err)
		}
	}
	if err := client.Stop(shutdownCtx); err != nil {
		a.log.Warn("jobs still running at the shutdown timeout; cancelling them", "err", err)
		cancelCtx, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel2()
		if err := client.StopAndCancel(cancelCtx); err != nil {
			return fmt.Errorf("stop job workers: %w", err)
		}
	}
	a.log.Info("stopped")
	return nil
}
