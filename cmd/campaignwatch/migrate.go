package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/campaignwatch/campaignwatch/internal/app"
	"github.com/campaignwatch/campaignwatch/internal/database"
)

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate", "migrate up|status")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "up" && fs.Arg(0) != "status") {
		return usagef("say 'up' to apply pending migrations or 'status' to list them")
	}
	a, err := openApp(ctx, e, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()

	if fs.Arg(0) == "up" {
		applied, err := database.Migrate(ctx, a.Pool, a.Logger)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Applied %d migration(s); the database is current.\n", len(applied))
		// The organisation settings' first version, from the defaults
		// (idempotent: a stored version is left as it is).
		if err := a.OrgStore.Seed(ctx); err != nil {
			return err
		}
		if err := seedLetterTemplates(ctx, e, a); err != nil {
			return err
		}
		return nil
	}
	st, err := database.GetStatus(ctx, a.Pool)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tSTATE\tAPPLIED AT")
	for _, m := range st.Applied {
		fmt.Fprintf(tw, "%03d\t%s\tapplied\t%s\n", m.Version, m.Name, m.AppliedAt.Format("2006-01-02 15:04:05"))
	}
	for _, m := range st.Pending {
		fmt.Fprintf(tw, "%03d\t%s\tpending\t\n", m.Version, m.Name)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "River schema: version %d of %d.\n", st.RiverApplied, st.RiverLatest)
	for _, m := range st.Modified {
		fmt.Fprintf(e.stdout, "WARNING: migration %03d_%s changed after it was applied.\n", m.Version, m.Name)
	}
	if st.Current() {
		fmt.Fprintln(e.stdout, "The database is current.")
	} else {
		fmt.Fprintf(e.stdout, "%d migration(s) pending: run 'campaignwatch migrate up'.\n", len(st.Pending))
	}
	return nil
}
