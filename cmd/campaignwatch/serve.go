package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"

	"github.com/campaignwatch/campaignwatch/internal/app"
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
	a, err := openApp(ctx, e, app.Options{WorkJobs: true, Web: withHTTP})
	if err != nil {
		return err
	}
	defer a.Close()
	cfg := a.Config
	// The addresses are bound before anything else happens: a second
	// serve started by mistake beside a running one must fail here, before
	// it migrates, joins the leader election or works a single job.
	var metricsLn, httpLn net.Listener
	if cfg.MetricsAddr != "" {
		if metricsLn, err = listen("METRICS_ADDR", cfg.MetricsAddr); err != nil {
			return err
		}
		defer metricsLn.Close()
	}
	if withHTTP {
		if httpLn, err = listen("HTTP_ADDR", cfg.HTTPAddr); err != nil {
			return err
		}
		defer httpLn.Close()
	}
	if err := a.EnsureMigrated(ctx, migrate); err != nil {
		return err
	}
	// Workers run on a context of their own: they must outlive the signal
	// so running jobs can finish.
	if err := a.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}

	var srv *http.Server
	serveErr := make(chan error, 2)
	// The metrics listener runs in worker processes too: their job
	// figures are worth scraping.
	var metricsSrv *http.Server
	if metricsLn != nil {
		metricsSrv = a.Metrics.Server(cfg.MetricsAddr, cfg.MetricsToken)
		go func() { serveErr <- metricsSrv.Serve(metricsLn) }()
		a.Logger.Info("serving metrics", "addr", metricsLn.Addr().String(), "token", cfg.MetricsToken != "")
	}
	if httpLn != nil {
		srv = a.Web.HTTPServer(cfg.HTTPAddr)
		go func() { serveErr <- srv.Serve(httpLn) }()
		a.Logger.Info("serving", "url", cfg.BaseURL.String(), "addr", httpLn.Addr().String())
		fmt.Fprintf(e.stdout, "campaignwatch is serving at %s\n", cfg.BaseURL)
	} else {
		a.Logger.Info("workers running")
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("HTTP server: %w", err)
		}
	}
	a.Logger.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())

	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	for _, s := range []*http.Server{srv, metricsSrv} {
		if s == nil {
			continue
		}
		if err := s.Shutdown(shutdownCtx); err != nil {
			a.Logger.Warn("HTTP shutdown incomplete", "addr", s.Addr, "err", err)
		}
	}
	if err := a.Stop(shutdownCtx); err != nil {
		return err
	}
	a.Logger.Info("stopped")
	return nil
}

// listen binds addr, the value of the variable name, and says in a
// sentence why it cannot.
func listen(name, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("cannot listen on %s (%s): another program, perhaps campaignwatch already running, is using it. Stop it or set %s to another address; no job worker was started", addr, name, name)
	}
	return nil, fmt.Errorf("cannot listen on %s (%s): %v. No job worker was started", addr, name, err)
}
