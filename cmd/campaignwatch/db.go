package main

import (
	"context"
	"fmt"

	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/database"
	"github.com/campaignwatch/campaignwatch/internal/pgcluster"
)

// cmdDB manages the private development cluster, so that make targets can
// start it once for a whole test run and stop it afterwards.
func cmdDB(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "db", "db start|stop|status|url")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("say 'start', 'stop', 'status' or 'url'")
	}
	a, err := loadApp(e, app.Options{})
	if err != nil {
		return err
	}
	if !a.Config.DevMode() {
		return fmt.Errorf("DATABASE_URL is set, so there is no private cluster to manage")
	}
	c := &pgcluster.Cluster{Dir: a.Config.VarDir, Logger: a.Logger}
	switch fs.Arg(0) {
	case "start":
		started, err := c.Start(ctx)
		if err != nil {
			return err
		}
		if err := c.EnsureDatabase(ctx, database.DevDatabase); err != nil {
			return err
		}
		if started {
			fmt.Fprintln(e.stderr, "Started the private PostgreSQL cluster.")
		} else {
			fmt.Fprintln(e.stderr, "The private PostgreSQL cluster was already running.")
		}
		fmt.Fprintln(e.stdout, c.URL(database.DevDatabase))
	case "stop":
		if err := c.Stop(ctx); err != nil {
			return err
		}
		fmt.Fprintln(e.stderr, "Stopped the private PostgreSQL cluster.")
	case "status":
		if !c.Running(ctx) {
			return fmt.Errorf("the private PostgreSQL cluster is not running")
		}
		fmt.Fprintln(e.stdout, "running")
	case "url":
		fmt.Fprintln(e.stdout, c.URL(database.DevDatabase))
	default:
		return usagef("unknown db action %q: say 'start', 'stop', 'status' or 'url'", fs.Arg(0))
	}
	return nil
}
