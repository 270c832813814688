package main

import (
	"context"

	"github.com/campaignwatch/campaignwatch/internal/app"
)

// openApp loads the configuration and opens the application (internal/app)
// with the command's environment: its variables, and its standard error
// for the log. opts says what kind of process it is; the zero value is a
// command that enqueues jobs but works none and serves no web pages.
func openApp(ctx context.Context, e *env, opts app.Options) (*app.App, error) {
	a, err := loadApp(e, opts)
	if err != nil {
		return nil, err
	}
	if err := a.Open(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// loadApp loads the configuration and logger only, for commands that do
// not open the database.
func loadApp(e *env, opts app.Options) (*app.App, error) {
	opts.Getenv, opts.LogOutput = e.getenv, e.stderr
	return app.Load(opts)
}
